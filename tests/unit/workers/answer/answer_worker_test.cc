#include "workers/answer/answer_worker.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "longforge/kafka/topics.h"
#include "support/builders.h"
#include "support/metrics_text.h"

namespace longforge::workers {
namespace {

envelope::RelevanceResult ChunkResult(uint32_t index, uint32_t count,
                                      envelope::RelevanceVerdict verdict,
                                      std::vector<std::string> quotes = {}) {
  return builders::RelevanceResultFor(
      builders::TaskFor("task-1", "doc", "When was the bicycle invented?"), index, count, verdict,
      std::move(quotes), "extractive (no LLM)");
}

class AnswerWorkerTest : public ::testing::Test {
 protected:
  AnswerWorkerTest() : backend_(MakeExtractiveAnswerBackend()) {}

  // Hands one message to the worker; its Done lands in results_[i].
  void Feed(AnswerWorker& worker, const std::string& value) {
    const std::size_t i = results_.size();
    results_.emplace_back();
    worker.Handle({kafka::kRelevanceResults, 0, static_cast<int64_t>(i), "task-1", value},
                  [this, i](Result<kafka::Outputs> r) { results_[i] = std::move(r); });
  }
  bool FinishedEmpty(std::size_t i) const {
    return results_[i].has_value() && results_[i]->ok() && (*results_[i])->empty();
  }
  envelope::AnswerRecord AnswerIn(std::size_t i) const {
    EXPECT_TRUE(results_[i].has_value());
    if (!results_[i]) return {};
    EXPECT_TRUE(results_[i]->ok()) << results_[i]->error().message;
    if (!results_[i]->ok()) return {};
    const auto& outs = results_[i]->value();
    EXPECT_EQ(outs.size(), 1u);
    if (outs.empty()) return {};
    EXPECT_EQ(outs[0].topic, kafka::kAnswers);
    EXPECT_EQ(outs[0].key, "task-1");
    auto record = envelope::DecodeAnswerRecord(outs[0].value);
    EXPECT_TRUE(record.ok()) << record.error().message;
    return record.ok() ? *record : envelope::AnswerRecord{};
  }

  std::unique_ptr<AnswerBackend> backend_;
  std::vector<std::optional<Result<kafka::Outputs>>> results_;
};

TEST_F(AnswerWorkerTest, AnswersOnTheFirstMessageOnceEveryChunkArrived) {
  AnswerWorker worker({}, *backend_);
  Feed(worker, envelope::Encode(ChunkResult(1, 3, envelope::RelevanceVerdict::kNone)));
  Feed(worker,
       envelope::Encode(ChunkResult(2, 3, envelope::RelevanceVerdict::kRelevant,
                                    {"The bicycle was invented in 1817.", "It had no pedals."})));
  EXPECT_FALSE(results_[0].has_value());
  EXPECT_FALSE(results_[1].has_value());
  Feed(worker, envelope::Encode(ChunkResult(0, 3, envelope::RelevanceVerdict::kRelevant,
                                            {"Drais lived in Mannheim."})));

  const auto record = AnswerIn(0);
  EXPECT_TRUE(FinishedEmpty(1));
  EXPECT_TRUE(FinishedEmpty(2));
  EXPECT_EQ(record.task.task_id, "task-1");
  EXPECT_EQ(record.answer, "The bicycle was invented in 1817.");
  EXPECT_EQ(record.chunks_total, 3u);
  EXPECT_EQ(record.chunks_relevant, 2u);
  EXPECT_EQ(record.chunks_lost, 0u);
  // Evidence and quotes in document order, whatever the arrival order.
  ASSERT_EQ(record.evidence.size(), 2u);
  EXPECT_EQ(record.evidence[0].begin, 0u);
  EXPECT_EQ(record.evidence[1].begin, 200u);
  EXPECT_EQ(record.quotes,
            (std::vector<std::string>{"Drais lived in Mannheim.",
                                      "The bicycle was invented in 1817.", "It had no pedals."}));
  EXPECT_EQ(record.usage.calls, 3u);  // the three relevance calls; the backend made none
  EXPECT_EQ(record.usage.prompt_tokens, 300u);
  EXPECT_EQ(record.backend, "extractive (no LLM)");
}

TEST_F(AnswerWorkerTest, ResultsOfATaskStillGatheringAreParked) {
  AnswerWorker worker({}, *backend_);
  EXPECT_EQ(worker.Parked(), 0u);
  Feed(worker, envelope::Encode(ChunkResult(0, 3, envelope::RelevanceVerdict::kNone)));
  Feed(worker, envelope::Encode(ChunkResult(1, 3, envelope::RelevanceVerdict::kNone)));
  EXPECT_EQ(worker.Parked(), 2u);
  Feed(worker, "not json");  // finished at once
  EXPECT_EQ(worker.Parked(), 2u);
  Feed(worker, envelope::Encode(ChunkResult(2, 3, envelope::RelevanceVerdict::kNone)));
  AnswerIn(0);
  EXPECT_EQ(worker.Parked(), 0u);
}

// Every chunk a task did not read is counted, by why: the filter rejects the record.
TEST_F(AnswerWorkerTest, UnreadChunksAreCountedByWhy) {
  prometheus::Registry registry;
  AnswerProbe probe(registry);
  AnswerWorker worker({}, *backend_, nullptr, nullptr, {}, &probe);
  Feed(worker, envelope::Encode(ChunkResult(0, 4, envelope::RelevanceVerdict::kFailed)));
  Feed(worker, envelope::Encode(ChunkResult(1, 4, envelope::RelevanceVerdict::kNone)));
  Feed(worker, envelope::Encode(ChunkResult(2, 4, envelope::RelevanceVerdict::kMalformed)));
  Feed(worker, envelope::Encode(ChunkResult(3, 4, envelope::RelevanceVerdict::kUnjudged)));
  const auto record = AnswerIn(0);
  EXPECT_EQ(record.chunks_failed, 1u);
  EXPECT_EQ(record.chunks_malformed, 1u);
  EXPECT_EQ(record.chunks_lost, 1u);
  EXPECT_EQ(record.chunks_unread(), 3u);
  const std::string metrics = builders::MetricsText(registry);
  for (const char* line : {"longforge_answer_tasks_total{reading=\"incomplete\"} 1",
                           "longforge_answer_tasks_total{reading=\"complete\"} 0",
                           "longforge_answer_chunks_unread_total{why=\"lost\"} 1",
                           "longforge_answer_chunks_unread_total{why=\"failed\"} 1",
                           "longforge_answer_chunks_unread_total{why=\"malformed\"} 1",
                           "longforge_answer_tasks_gathering 0"}) {
    EXPECT_NE(metrics.find(line), std::string::npos) << line << " in\n" << metrics;
  }
  EXPECT_EQ(record.chunks_relevant, 0u);
  EXPECT_EQ(record.answer, "");
  EXPECT_TRUE(record.evidence.empty());
}

// A book relevant in 400 chunks, each quoting 3 kB: without a bound the record would
// outgrow a Kafka message (1,000,000 bytes) and could not be published at all.
TEST_F(AnswerWorkerTest, QuotesAreBoundedSoTheRecordFitsAMessage) {
  AnswerWorker worker({}, *backend_);
  constexpr uint32_t kChunks = 400;
  for (uint32_t i = 0; i < kChunks; ++i) {
    std::string quote = "Chunk " + std::to_string(i) + " says: " + std::string(3000, 'w') + ".";
    Feed(worker,
         envelope::Encode(ChunkResult(i, kChunks, envelope::RelevanceVerdict::kRelevant, {quote})));
  }
  ASSERT_TRUE(results_[0].has_value());
  ASSERT_TRUE(results_[0]->ok()) << results_[0]->error().message;
  const std::string& encoded = (*results_[0])->at(0).value;
  EXPECT_LT(encoded.size(), 1'000'000u);
  const auto record = AnswerIn(0);
  std::size_t bytes = 0;
  for (const auto& q : record.quotes) bytes += q.size();
  EXPECT_LE(bytes, envelope::kMaxQuoteBytesPerTask);
  EXPECT_GT(record.quotes.size(), 50u);
  EXPECT_EQ(record.quotes.front().rfind("Chunk 0 says", 0), 0u);  // the leading ones
  EXPECT_EQ(record.evidence.size(), kChunks);  // every relevant chunk is still evidence
  EXPECT_EQ(record.chunks_unread(), 0u);
}

TEST_F(AnswerWorkerTest, RedeliveredResultIsFinishedEmpty) {
  AnswerWorker worker({}, *backend_);
  Feed(worker, envelope::Encode(ChunkResult(0, 2, envelope::RelevanceVerdict::kNone)));
  Feed(worker, envelope::Encode(ChunkResult(0, 2, envelope::RelevanceVerdict::kNone)));
  EXPECT_TRUE(FinishedEmpty(1));
  Feed(worker, envelope::Encode(ChunkResult(1, 2, envelope::RelevanceVerdict::kNone)));
  EXPECT_EQ(AnswerIn(0).chunks_total, 2u);
  EXPECT_TRUE(FinishedEmpty(2));
}

TEST_F(AnswerWorkerTest, GatherTimeoutAnswersWithMissingChunksLost) {
  AnswerOptions options;
  options.gather_timeout = std::chrono::seconds(1);  // the smallest Validate allows
  ASSERT_TRUE(options.Validate().empty());
  AnswerWorker worker(options, *backend_);
  Feed(worker, envelope::Encode(ChunkResult(0, 4, envelope::RelevanceVerdict::kRelevant,
                                            {"The bicycle was invented."})));
  Feed(worker, envelope::Encode(ChunkResult(2, 4, envelope::RelevanceVerdict::kNone)));
  worker.Tick();
  EXPECT_FALSE(results_[0].has_value()) << "answered before the timeout";
  std::this_thread::sleep_for(std::chrono::milliseconds(1050));
  worker.Tick();
  const auto record = AnswerIn(0);
  EXPECT_TRUE(FinishedEmpty(1));
  EXPECT_EQ(record.chunks_total, 4u);
  EXPECT_EQ(record.chunks_lost, 2u);
  EXPECT_EQ(record.chunks_relevant, 1u);
  EXPECT_EQ(record.answer, "The bicycle was invented.");
  // A straggler after the timeout is a duplicate, not a new task.
  Feed(worker, envelope::Encode(ChunkResult(1, 4, envelope::RelevanceVerdict::kNone)));
  EXPECT_TRUE(FinishedEmpty(2));
}

TEST_F(AnswerWorkerTest, BadResultsAreDeadLetters) {
  AnswerWorker worker({}, *backend_);
  Feed(worker, "not json");
  Feed(worker, envelope::Encode(ChunkResult(3, 3, envelope::RelevanceVerdict::kNone)));
  Feed(worker, envelope::Encode(ChunkResult(0, 0, envelope::RelevanceVerdict::kNone)));
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(results_[i].has_value()) << i;
    ASSERT_FALSE(results_[i]->ok()) << i;
    EXPECT_EQ(results_[i]->error().disposition, Disposition::kDeadLetter);
  }
  EXPECT_NE(results_[1]->error().message.find("chunk index 3 outside chunk_count 3"),
            std::string::npos)
      << results_[1]->error().message;
}

// A backend that keeps failing: after kAnswerAttempts tries the task's first message
// carries the failure to lf.dlq.
class FailingBackend final : public AnswerBackend {
 public:
  std::string Name() const override { return "failing"; }
  void Answer(const envelope::Task&, std::vector<std::string>, Callback done) override {
    ++calls;
    done(Error::Retry("HTTP 500 after 5 attempts"), {});
  }
  int calls = 0;
};

TEST_F(AnswerWorkerTest, BackendFailureDeadLettersTheFirstMessageOnly) {
  FailingBackend failing;
  AnswerWorker worker({}, failing);
  Feed(worker, envelope::Encode(ChunkResult(0, 2, envelope::RelevanceVerdict::kNone)));
  Feed(worker, envelope::Encode(ChunkResult(1, 2, envelope::RelevanceVerdict::kNone)));
  // Asked again after 1 s and 2 s (no health given: every failure counts), then final.
  EXPECT_FALSE(results_[0].has_value()) << "a transient failure is retried first";
  for (int i = 0; i < 100 && !results_[0].has_value(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    worker.Tick();
  }
  EXPECT_EQ(failing.calls, AnswerWorker::kAnswerAttempts);
  ASSERT_TRUE(results_[0].has_value());
  ASSERT_FALSE(results_[0]->ok());
  EXPECT_EQ(results_[0]->error().disposition, Disposition::kDeadLetter);
  EXPECT_NE(results_[0]->error().message.find("HTTP 500"), std::string::npos);
  EXPECT_TRUE(FinishedEmpty(1));
  EXPECT_EQ(AnswerOptions{std::chrono::seconds(0)}.Validate().size(), 1u);
}

}  // namespace
}  // namespace longforge::workers
