#include "workers/filter/answer_judge.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <chrono>
#include <future>
#include <string>

#include "longforge/kafka/topics.h"
#include "support/llm_test_util.h"
#include "workers/filter/filter_worker.h"

namespace longforge::workers {
namespace {

using testing::FakeLlmServer;
using testing::FakeReply;
using testing::FakeRequest;
using Reasons = std::vector<std::string>;

TEST(FilterJudgeReply, ReadsTheLastVerdictLeniently) {
  EXPECT_EQ(ParseJudgeReply("Both name Karl Drais. [[YES]]"), true);
  EXPECT_EQ(ParseJudgeReply("Different years.\n[[NO]]\n"), false);
  EXPECT_EQ(ParseJudgeReply("[[ yes ]]"), true);
  EXPECT_EQ(ParseJudgeReply("At first [[YES]], but on reflection [[No]]"), false);
  EXPECT_EQ(ParseJudgeReply("They are equivalent."), std::nullopt);
  EXPECT_EQ(ParseJudgeReply("[[MAYBE]]"), std::nullopt);
  EXPECT_EQ(ParseJudgeReply("[[YES"), std::nullopt);
  EXPECT_EQ(ParseJudgeReply(""), std::nullopt);
}

TEST(FilterLlmAnswerJudge, PromptHoldsQuestionReferenceAndAnswer) {
  const auto messages = LlmAnswerJudge::Prompt("Who?", "Karl Drais", "Drais");
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].role, "system");
  EXPECT_NE(messages[0].content.find("[[YES]]"), std::string::npos);
  const auto& user = messages[1].content;
  EXPECT_LT(user.find("Who?"), user.find("Karl Drais"));
  EXPECT_LT(user.find("Karl Drais"), user.find("Drais\n\n"));
}

TEST(FilterLlmAnswerJudge, ValidateRejectsBadOptions) {
  LlmAnswerJudgeOptions options;
  options.max_tokens = -1;
  options.model = " m";
  EXPECT_EQ(options.Validate().size(), 2u);
  FakeLlmServer server;
  auto client = llm::MakeClient(llm::FastOptions(server));
  const auto status = LlmAnswerJudge::Create(*client, options);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().disposition, Disposition::kStop);
  EXPECT_NE(status.error().message.find("max_tokens"), std::string::npos);
  EXPECT_NE(status.error().message.find("whitespace"), std::string::npos);
}

// A filter with an LLM judge over a scripted server. Destroyed worker and judge first,
// then the client (failing anything outstanding), then the server.
struct Rig {
  explicit Rig(FakeLlmServer::Handler handler, FilterOptions options = {})
      : server(std::move(handler)),
        probe(registry),
        client(llm::MakeClient(llm::FastOptions(server))),
        judge(LlmAnswerJudge::Create(*client).value()),
        worker(options, &probe, nullptr, judge.get()) {}

  envelope::SampleRecord Run(const envelope::AnswerRecord& record, std::string* topic = nullptr) {
    std::promise<Result<kafka::Outputs>> promise;
    auto future = promise.get_future();
    int calls = 0;
    worker.Handle({kafka::kAnswers, 0, 0, "", envelope::Encode(record)},
                  [&](Result<kafka::Outputs> out) {
                    ++calls;
                    promise.set_value(std::move(out));
                  });
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      ADD_FAILURE() << "no result within 10 s";
      return {};
    }
    auto out = future.get();
    EXPECT_EQ(calls, 1);
    EXPECT_TRUE(out.ok());
    if (!out.ok() || out->size() != 1) return {};
    if (topic) *topic = out->at(0).topic;
    return envelope::DecodeSampleRecord(out->at(0).value).value();
  }

  std::string Metrics() const { return prometheus::TextSerializer().Serialize(registry.Collect()); }

  FakeLlmServer server;
  prometheus::Registry registry;
  FilterProbe probe;
  std::unique_ptr<llm::HttpChatClient> client;
  std::unique_ptr<LlmAnswerJudge> judge;
  FilterWorker worker;
};

FakeLlmServer::Handler Says(std::string reply) {
  return [reply](const FakeRequest&) { return FakeReply::Content(reply); };
}

// Token F1 with the reference "in 1817" passes; "in 1818" fails.
envelope::AnswerRecord Record(std::string answer, std::optional<std::string> reference) {
  envelope::AnswerRecord r;
  r.task.task_id = "task-1";
  r.task.doc_id = "doc";
  r.task.question = "When was the bicycle invented?";
  r.task.reference = std::move(reference);
  r.answer = std::move(answer);
  r.evidence = {{0, 100}};
  r.quotes = {"Some say 1818, but the bicycle was invented in 1817."};
  return r;
}

const envelope::AnswerRecord kRulesPass = Record("It was invented in 1817.", "in 1817");
const envelope::AnswerRecord kRulesFail = Record("It was invented in 1818.", "1817");

TEST(FilterJudge, AgreeingYesAccepts) {
  Rig rig(Says("Same year. [[YES]]"));
  std::string topic;
  const auto s = rig.Run(kRulesPass, &topic);
  EXPECT_EQ(s.verdict.decision, envelope::Decision::kAccept);
  EXPECT_TRUE(s.verdict.reasons.empty());
  EXPECT_EQ(topic, kafka::kDataset);
  ASSERT_EQ(rig.server.request_count("judge"), 1);
  const auto request = rig.server.requests().front();
  EXPECT_NE(request.messages.back().content.find("It was invented in 1817."), std::string::npos);
}

TEST(FilterJudge, TheJudgesCallIsAddedToTheSamplesUsage) {
  Rig rig(Says("Same year. [[YES]]"));
  envelope::AnswerRecord record = kRulesPass;
  record.usage = {3, 900, 40};  // relevance and answer calls before the filter
  const auto s = rig.Run(record);
  EXPECT_EQ(s.record.usage.calls, 4u);
  EXPECT_GT(s.record.usage.prompt_tokens, 900u);
  EXPECT_GT(s.record.usage.completion_tokens, 40u);
}

TEST(FilterJudge, AgreeingNoRejects) {
  Rig rig(Says("Different years. [[NO]]"));
  const auto s = rig.Run(kRulesFail);
  EXPECT_EQ(s.verdict.decision, envelope::Decision::kReject);
  EXPECT_EQ(s.verdict.reasons, Reasons{"reference_mismatch"});
}

TEST(FilterJudge, JudgeSayingNoToPassingRulesIsReview) {
  Rig rig(Says("[[NO]]"));
  std::string topic;
  const auto s = rig.Run(kRulesPass, &topic);
  EXPECT_EQ(s.verdict.decision, envelope::Decision::kReview);
  EXPECT_EQ(s.verdict.reasons, Reasons{"judge_disagrees"});
  EXPECT_EQ(topic, kafka::kRejected);
  EXPECT_NE(
      rig.Metrics().find(
          R"(longforge_filter_decisions_total{decision="review",reason="judge_disagrees"} 1)"),
      std::string::npos)
      << rig.Metrics();
}

TEST(FilterJudge, JudgeSayingYesToFailingRulesIsReview) {
  Rig rig(Says("Close enough. [[YES]]"));
  const auto s = rig.Run(kRulesFail);
  EXPECT_EQ(s.verdict.decision, envelope::Decision::kReview);
  EXPECT_EQ(s.verdict.reasons, Reasons{"judge_disagrees"});
}

TEST(FilterJudge, WithoutReviewTheMoreLenientVerdictWins) {
  FilterOptions options;
  options.review_on_judge_disagreement = false;
  Rig yes(Says("[[YES]]"), options);
  EXPECT_EQ(yes.Run(kRulesFail).verdict.decision, envelope::Decision::kAccept);
  Rig no(Says("[[NO]]"), options);
  EXPECT_EQ(no.Run(kRulesPass).verdict.decision, envelope::Decision::kAccept);
}

TEST(FilterJudge, MalformedReplyLeavesTheRulesToDecide) {
  Rig rig(Says("I think they match."));
  EXPECT_EQ(rig.Run(kRulesPass).verdict.decision, envelope::Decision::kAccept);
  const auto s = rig.Run(kRulesFail);
  EXPECT_EQ(s.verdict.decision, envelope::Decision::kReject);
  EXPECT_EQ(s.verdict.reasons, Reasons{"reference_mismatch"});
  EXPECT_EQ(rig.server.request_count("judge"), 2);
}

TEST(FilterJudge, FailedCallLeavesTheRulesToDecide) {
  Rig rig([](const FakeRequest&) { return FakeReply::Status(500, "boom"); });
  EXPECT_EQ(rig.Run(kRulesPass).verdict.decision, envelope::Decision::kAccept);
  EXPECT_EQ(rig.Run(kRulesFail).verdict.reasons, Reasons{"reference_mismatch"});
}

TEST(FilterJudge, NoCallWithoutReferenceOnExactMatchOrOtherRejects) {
  Rig rig(Says("[[NO]]"));
  EXPECT_EQ(rig.Run(Record("It was invented in 1817.", std::nullopt)).verdict.decision,
            envelope::Decision::kAccept);
  EXPECT_EQ(rig.Run(Record("1817.", "1817")).verdict.decision, envelope::Decision::kAccept);
  EXPECT_EQ(rig.Run(Record("I don't know.", "1817")).verdict.reasons, Reasons{"refusal"});
  EXPECT_EQ(rig.server.request_count(), 0);
}

TEST(FilterJudge, BadRecordIsADeadLetter) {
  Rig rig(Says("[[YES]]"));
  std::optional<Result<kafka::Outputs>> result;
  rig.worker.Handle({kafka::kAnswers, 0, 0, "", "{}"},
                    [&](Result<kafka::Outputs> out) { result = std::move(out); });
  ASSERT_TRUE(result.has_value());
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->error().disposition, Disposition::kDeadLetter);
}

}  // namespace
}  // namespace longforge::workers
