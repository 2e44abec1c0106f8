#include "workers/relevance/relevance_worker.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "longforge/kafka/topics.h"
#include "support/temp_store.h"
#include "workers/relevance/extractive_judge.h"

namespace longforge::workers {
namespace {

constexpr const char* kChunk =
    "Paris is the capital of France. The bicycle was invented in 1817 by Karl Drais. "
    "Beethoven finished his Fifth Symphony in 1808.";

std::vector<Judgement> JudgeSync(ExtractiveJudge& judge, const std::string& chunk,
                                 std::vector<std::string> questions) {
  std::optional<std::vector<Judgement>> out;
  judge.Judge(chunk, std::move(questions),
              [&](std::vector<Judgement> j, envelope::LlmUsage) { out = std::move(j); });
  EXPECT_TRUE(out.has_value()) << "the extractive judge answers synchronously";
  return out.value_or(std::vector<Judgement>{});
}

TEST(ExtractiveJudge, QuotesTheMatchingSentence) {
  ExtractiveJudge judge;
  const auto j = JudgeSync(judge, kChunk, {"When was the bicycle invented?"});
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0].verdict, envelope::RelevanceVerdict::kRelevant);
  EXPECT_EQ(j[0].quotes,
            std::vector<std::string>{"The bicycle was invented in 1817 by Karl Drais."});
}

TEST(ExtractiveJudge, SaysNoneWithoutSharedContentWords) {
  ExtractiveJudge judge;
  const auto j =
      JudgeSync(judge, kChunk, {"What is the airspeed of an unladen swallow?", "", "the"});
  ASSERT_EQ(j.size(), 3u);
  for (const auto& one : j) {
    EXPECT_EQ(one.verdict, envelope::RelevanceVerdict::kNone);
    EXPECT_TRUE(one.quotes.empty());
  }
}

TEST(ExtractiveJudge, JudgesEachQuestionInOrder) {
  ExtractiveJudge judge;
  const auto j = JudgeSync(judge, kChunk,
                           {"What is the capital of France?", "Who was Napoleon?",
                            "When did Beethoven finish the Fifth Symphony?"});
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[0].quotes, std::vector<std::string>{"Paris is the capital of France."});
  EXPECT_EQ(j[1].verdict, envelope::RelevanceVerdict::kNone);
  EXPECT_EQ(j[2].quotes,
            std::vector<std::string>{"Beethoven finished his Fifth Symphony in 1808."});
}

// A judge that records its calls and answers with fixed judgements and usage.
class FakeJudge final : public RelevanceJudge {
 public:
  std::string Name() const override { return "fake"; }
  void Judge(std::string chunk, std::vector<std::string> questions, Callback done) override {
    chunks.push_back(chunk);
    std::vector<Judgement> out(questions.size() + extra,
                               Judgement{envelope::RelevanceVerdict::kRelevant, quotes, 2, ""});
    done(std::move(out), envelope::LlmUsage{1, 500, 20, 0});
  }
  std::vector<std::string> chunks;
  std::size_t extra = 0;  // judgements beyond the questions asked (a broken backend)
  std::vector<std::string> quotes{"q"};
};

class RelevanceWorkerTest : public ::testing::Test {
 protected:
  envelope::RelevanceRequest Request(const std::string& doc_id, std::vector<std::string> qs) {
    envelope::RelevanceRequest req;
    for (std::size_t i = 0; i < qs.size(); ++i) {
      envelope::Task t;
      t.task_id = "task" + std::to_string(i);
      t.doc_id = doc_id;
      t.question = qs[i];
      req.tasks.push_back(t);
    }
    req.chunk = {1, 10, 10 + std::string(kChunk).size(), 40};
    req.chunk_count = 2;
    return req;
  }

  Result<kafka::Outputs> Handle(RelevanceJudge& judge, const std::string& value) {
    RelevanceWorker worker(*store_, judge);
    std::optional<Result<kafka::Outputs>> out;
    worker.Handle({kafka::kRelevanceRequests, 0, 0, "k", value},
                  [&](Result<kafka::Outputs> r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value());
    return out.value_or(Result<kafka::Outputs>(Error::Stop("Done not called")));
  }

  TempDir dir_;
  std::unique_ptr<store::DocumentStore> store_ = OpenTempStore(dir_);
};

TEST_F(RelevanceWorkerTest, EmitsOneResultPerTaskKeyedByTaskId) {
  ASSERT_TRUE(store_->Put("doc.txt", std::string("0123456789") + kChunk + " tail").ok());
  ExtractiveJudge judge;
  auto out = Handle(judge, envelope::Encode(Request("doc", {"When was the bicycle invented?",
                                                            "Who painted the Mona Lisa?"})));
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(out->at(i).topic, kafka::kRelevanceResults);
    EXPECT_EQ(out->at(i).key, "task" + std::to_string(i));
  }
  auto first = envelope::DecodeRelevanceResult(out->at(0).value);
  auto second = envelope::DecodeRelevanceResult(out->at(1).value);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->verdict, envelope::RelevanceVerdict::kRelevant);
  EXPECT_EQ(first->quotes,
            std::vector<std::string>{"The bicycle was invented in 1817 by Karl Drais."});
  EXPECT_EQ(first->chunk.index, 1u);
  EXPECT_EQ(first->chunk_count, 2u);
  EXPECT_EQ(first->backend, judge.Name());
  EXPECT_EQ(second->verdict, envelope::RelevanceVerdict::kNone);
}

TEST_F(RelevanceWorkerTest, ReadsExactlyTheChunkAndChargesTheCallOnce) {
  ASSERT_TRUE(store_->Put("doc.txt", std::string("0123456789") + kChunk + " tail").ok());
  FakeJudge judge;
  auto out = Handle(judge, envelope::Encode(Request("doc", {"a?", "b?", "c?"})));
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(judge.chunks, std::vector<std::string>{kChunk});
  ASSERT_EQ(out->size(), 3u);
  uint32_t calls = 0;
  for (const auto& m : *out) {
    auto r = envelope::DecodeRelevanceResult(m.value);
    ASSERT_TRUE(r.ok());
    calls += r->usage.calls;
    EXPECT_EQ(r->dropped_quotes, 2u);
  }
  EXPECT_EQ(calls, 1u);
}

TEST_F(RelevanceWorkerTest, UnreadableChunkFailsEveryTaskInsteadOfDeadLettering) {
  ExtractiveJudge judge;
  auto out = Handle(judge, envelope::Encode(Request("absent", {"a?", "b?"})));
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    auto r = envelope::DecodeRelevanceResult(out->at(i).value);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->task.task_id, "task" + std::to_string(i));
    EXPECT_EQ(r->verdict, envelope::RelevanceVerdict::kFailed);
    EXPECT_NE(r->error.find(store_->PathOf("absent.txt")), std::string::npos) << r->error;
    EXPECT_EQ(r->chunk.index, 1u);
  }
}

TEST_F(RelevanceWorkerTest, ChunkPastTheEndOfTheTextFailsItsTasks) {
  ASSERT_TRUE(store_->Put("short.txt", "too short").ok());
  ExtractiveJudge judge;
  auto out = Handle(judge, envelope::Encode(Request("short", {"a?"})));
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ(envelope::DecodeRelevanceResult(out->at(0).value)->verdict,
            envelope::RelevanceVerdict::kFailed);
}

TEST_F(RelevanceWorkerTest, BadRequestsAreDeadLettersAndABrokenBackendFailsTheChunk) {
  ASSERT_TRUE(store_->Put("doc.txt", std::string("0123456789") + kChunk).ok());
  ExtractiveJudge judge;
  auto bad = Handle(judge, "{\"schema\":\"lf.relevance.requests/v1\"}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().disposition, Disposition::kDeadLetter);

  // The request itself is fine: its task learns the chunk failed, and why.
  FakeJudge broken;
  broken.extra = 1;
  auto mismatch = Handle(broken, envelope::Encode(Request("doc", {"a?"})));
  ASSERT_TRUE(mismatch.ok()) << mismatch.error().message;
  ASSERT_EQ(mismatch->size(), 1u);
  auto r = envelope::DecodeRelevanceResult(mismatch->at(0).value);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, envelope::RelevanceVerdict::kFailed);
  EXPECT_NE(r->error.find("2 judgements for 1 questions"), std::string::npos) << r->error;
}

// Quotes over the per-chunk cap are cut, and the cut ones are counted on top of those
// the grounding guard dropped (the count was overwritten before).
TEST_F(RelevanceWorkerTest, QuotesCutByTheCapAreCountedWithTheDroppedOnes) {
  ASSERT_TRUE(store_->Put("doc.txt", std::string("0123456789") + kChunk).ok());
  FakeJudge judge;
  judge.quotes.assign(3, std::string(envelope::kMaxQuoteBytesPerChunk / 2, 'x'));
  auto out = Handle(judge, envelope::Encode(Request("doc", {"a?"})));
  ASSERT_TRUE(out.ok()) << out.error().message;
  auto r = envelope::DecodeRelevanceResult(out->at(0).value);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->quotes.size(), 2u);
  EXPECT_EQ(r->dropped_quotes, 3u);  // 2 by the guard, 1 by the cap
}

// A request released by a questioner's gate owes it a credit, keyed by the document,
// whatever became of the chunk; one that was not released owes nothing.
TEST_F(RelevanceWorkerTest, AReleasedRequestReturnsItsCreditWithItsResults) {
  ASSERT_TRUE(store_->Put("doc.txt", std::string("0123456789") + kChunk).ok());
  ExtractiveJudge judge;
  auto req = Request("doc", {"When was the bicycle invented?", "b?"});
  auto plain = Handle(judge, envelope::Encode(req));
  ASSERT_TRUE(plain.ok());
  for (const auto& m : *plain) EXPECT_EQ(m.topic, kafka::kRelevanceResults);

  req.release = envelope::Release{"r1", 7};
  for (const std::string doc : {"doc", "absent"}) {
    SCOPED_TRACE(doc);
    auto one = req;
    for (auto& t : one.tasks) t.doc_id = doc;
    auto out = Handle(judge, envelope::Encode(one));
    ASSERT_TRUE(out.ok());
    ASSERT_EQ(out->size(), 3u);
    EXPECT_EQ(out->back().topic, kafka::kRelevanceCredits);
    EXPECT_EQ(out->back().key, doc);
    auto credit = envelope::DecodeRelevanceCredit(out->back().value);
    ASSERT_TRUE(credit.ok()) << credit.error().message;
    EXPECT_EQ(credit->doc_id, doc);
    EXPECT_EQ(credit->release.id, "r1");
    EXPECT_EQ(credit->release.seq, 7u);
  }

  RelevanceWorker worker(*store_, judge);
  auto gave_up = worker.GiveUp({kafka::kRelevanceRequests, 0, 0, "k", envelope::Encode(req), 3},
                               Error::Retry("HTTP 503"));
  ASSERT_TRUE(gave_up.ok());
  ASSERT_EQ(gave_up->size(), 3u);
  EXPECT_EQ(gave_up->back().topic, kafka::kRelevanceCredits);
}

}  // namespace
}  // namespace longforge::workers
