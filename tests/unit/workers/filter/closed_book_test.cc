#include "workers/filter/closed_book.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <chrono>
#include <future>
#include <string>

#include "longforge/kafka/topics.h"
#include "support/llm_test_util.h"
#include "workers/filter/answer_judge.h"
#include "workers/filter/filter_worker.h"

namespace longforge::workers {
namespace {

using testing::FakeLlmServer;
using testing::FakeReply;
using testing::FakeRequest;
using Reasons = std::vector<std::string>;

// A filter with an LLM judge and the closed-book check over one scripted server that
// routes on the stage header. Destroyed worker first, then the client, then the server.
struct Rig {
  Rig(std::string closed_book_reply, std::string judge_reply = "[[NO]]",
      int closed_book_status = 200)
      : server([=](const FakeRequest& r) {
          if (r.stage == "closedbook") {
            return closed_book_status == 200 ? FakeReply::Content(closed_book_reply)
                                             : FakeReply::Status(closed_book_status);
          }
          return FakeReply::Content(judge_reply);
        }),
        probe(registry),
        client(llm::MakeClient(llm::FastOptions(server))),
        judge(LlmAnswerJudge::Create(*client).value()),
        closed_book(LlmClosedBook::Create(*client).value()),
        worker({}, &probe, nullptr, judge.get(), closed_book.get()) {}

  envelope::SampleRecord Run(const envelope::AnswerRecord& record, std::string* topic = nullptr) {
    std::promise<Result<kafka::Outputs>> promise;
    auto future = promise.get_future();
    worker.Handle({kafka::kAnswers, 0, 0, "", envelope::Encode(record)},
                  [&](Result<kafka::Outputs> out) { promise.set_value(std::move(out)); });
    if (future.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
      ADD_FAILURE() << "no result within 20 s";
      return {};
    }
    auto out = future.get();
    EXPECT_TRUE(out.ok());
    if (!out.ok() || out->size() != 1) return {};
    if (topic) *topic = out->at(0).topic;
    auto sample = envelope::DecodeSampleRecord(out->at(0).value);
    EXPECT_TRUE(sample.ok()) << out->at(0).topic;
    return sample.ok() ? *sample : envelope::SampleRecord{};
  }

  std::string Metrics() const { return prometheus::TextSerializer().Serialize(registry.Collect()); }

  FakeLlmServer server;
  prometheus::Registry registry;
  FilterProbe probe;
  std::unique_ptr<llm::HttpChatClient> client;
  std::unique_ptr<LlmAnswerJudge> judge;
  std::unique_ptr<LlmClosedBook> closed_book;
  FilterWorker worker;
};

// A grounded answer that matches its reference exactly: the rules accept it alone.
envelope::AnswerRecord Good(std::string question = "When was the bicycle invented?") {
  envelope::AnswerRecord r;
  r.task.task_id = "task-1";
  r.task.doc_id = "doc";
  r.task.question = std::move(question);
  r.task.language = "en";
  r.task.reference = "In 1817.";
  r.answer = "In 1817.";
  r.evidence = {{0, 100}};
  r.quotes = {"The bicycle was invented in 1817."};
  r.chunks_total = 3;
  r.usage = {3, 900, 40, 0};
  return r;
}

TEST(ClosedBook, AnAnswerFromMemoryRejectsTheSample) {
  Rig rig("It was invented in 1817.", "Same year. [[YES]]");
  std::string topic;
  const auto s = rig.Run(Good(), &topic);
  EXPECT_EQ(topic, kafka::kRejected);
  EXPECT_EQ(s.verdict.decision, envelope::Decision::kReject);
  EXPECT_EQ(s.verdict.reasons, Reasons{"answerable_without_document"});
  EXPECT_EQ(s.verdict.closed_book_answer, "It was invented in 1817.");
  EXPECT_EQ(rig.server.request_count("closedbook"), 1);
  // It contains the reference but is no exact match: the judge is asked, as for answers.
  EXPECT_EQ(rig.server.request_count("judge"), 1);
  // Both calls count in the sample's cost.
  EXPECT_EQ(s.record.usage.calls, 5u);
  // The question went without any document.
  const auto requests = rig.server.requests();
  ASSERT_FALSE(requests.empty());
  for (const auto& r : requests) {
    if (r.stage != "closedbook") continue;
    EXPECT_NE(r.messages.back().content.find("When was the bicycle invented?"), std::string::npos);
    EXPECT_EQ(r.messages.back().content.find("The bicycle was invented"), std::string::npos);
  }
  EXPECT_NE(rig.Metrics().find("longforge_filter_closed_book_total{outcome=\"agrees\"} 1"),
            std::string::npos);
}

TEST(ClosedBook, AnExactAnswerNeedsNoJudge) {
  Rig rig("In 1817.");
  const auto s = rig.Run(Good());
  EXPECT_EQ(s.verdict.reasons, Reasons{"answerable_without_document"});
  EXPECT_EQ(rig.server.request_count("judge"), 0);
}

TEST(ClosedBook, TheJudgeDecidesWhenTheRulesAreUnsure) {
  // "1817 or 1818" contains the reference; the judge reads it as a hedge.
  Rig rig("Perhaps 1817 or 1818, I am guessing.", "It hedges between two years. [[NO]]");
  std::string topic;
  const auto s = rig.Run(Good(), &topic);
  EXPECT_EQ(topic, kafka::kDataset);
  EXPECT_EQ(s.verdict.decision, envelope::Decision::kAccept);
  EXPECT_EQ(s.verdict.closed_book_answer, "Perhaps 1817 or 1818, I am guessing.");
  EXPECT_EQ(rig.server.request_count("judge"), 1);
}

TEST(ClosedBook, NotKnowingKeepsTheSampleInBothLanguages) {
  Rig rig("I don't know.");
  std::string topic;
  auto s = rig.Run(Good(), &topic);
  EXPECT_EQ(topic, kafka::kDataset);
  EXPECT_EQ(s.verdict.decision, envelope::Decision::kAccept);
  EXPECT_EQ(s.verdict.closed_book_answer, "I don't know.");
  EXPECT_EQ(rig.server.request_count("judge"), 0);  // a refusal is compared with nothing

  Rig zh("我不知道。");
  auto record = Good("宝玉初见黛玉时说了什么？");
  record.task.language = "zh";
  record.task.reference = "这个妹妹我曾见过的。";
  record.answer = "这个妹妹我曾见过的。";
  record.quotes = {"宝玉看罢，因笑道：这个妹妹我曾见过的。"};
  s = zh.Run(record, &topic);
  EXPECT_EQ(topic, kafka::kDataset);
  EXPECT_EQ(s.verdict.closed_book_answer, "我不知道。");
  const auto requests = zh.server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_NE(requests[0].messages.back().content.find("(zh)"), std::string::npos);
}

TEST(ClosedBook, AFailedCallIsNeverAcceptedUnchecked) {
  Rig rig("", "[[NO]]", 400);  // a client error: no retry
  std::string topic;
  const auto s = rig.Run(Good(), &topic);
  EXPECT_EQ(topic, kafka::kRejected);
  EXPECT_EQ(s.verdict.reasons, Reasons{"closed_book_unchecked"});
  EXPECT_NE(rig.Metrics().find("longforge_filter_closed_book_total{outcome=\"failed\"} 1"),
            std::string::npos);
}

TEST(ClosedBook, OnlyAcceptedSamplesWithAReferenceAreAsked) {
  Rig rig("In 1817.");
  auto wrong = Good();
  wrong.answer = "In 1903.";  // ungrounded and not the reference
  auto s = rig.Run(wrong);
  EXPECT_EQ(s.verdict.decision, envelope::Decision::kReject);
  EXPECT_EQ(s.verdict.closed_book_answer, std::nullopt);
  auto open = Good();
  open.task.reference.reset();
  s = rig.Run(open);
  EXPECT_EQ(s.verdict.decision, envelope::Decision::kAccept);
  EXPECT_EQ(rig.server.request_count("closedbook"), 0);
}

TEST(ClosedBook, ARejectedSampleDoesNotGoUpALevel) {
  Rig rig("In 1817.");
  auto record = Good();
  record.task.level = 1;
  record.task.cascade = true;
  record.task.chunks_ref = "doc.chunks-x.json";
  std::string topic;
  const auto s = rig.Run(record, &topic);
  EXPECT_EQ(topic, kafka::kRejected);  // not lf.subquestions: reading more cannot help
  EXPECT_EQ(s.verdict.reasons, Reasons{"answerable_without_document"});
}

TEST(ClosedBook, ThePromptAsksForNoGuess) {
  const auto messages = LlmClosedBook::Prompt("Who?", "");
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_NE(messages[0].content.find("I don't know"), std::string::npos);
  EXPECT_EQ(messages[1].content, "Question:\nWho?");
  LlmClosedBookOptions bad;
  bad.max_tokens = -1;
  EXPECT_EQ(bad.Validate().size(), 1u);
}

}  // namespace
}  // namespace longforge::workers
