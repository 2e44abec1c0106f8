#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "longforge/kafka/topics.h"
#include "support/builders.h"
#include "support/temp_store.h"
#include "workers/answer/answer_worker.h"

namespace longforge::workers {
namespace {

// Records the evidence it is given and answers with its first piece.
class RecordingBackend final : public AnswerBackend {
 public:
  std::string Name() const override { return "recording"; }
  void Answer(const envelope::Task&, std::vector<std::string> evidence, Callback done) override {
    calls.push_back(evidence);
    done(evidence.empty() ? std::string() : evidence.front(), envelope::LlmUsage{1, 50, 5, 0});
  }
  std::vector<std::vector<std::string>> calls;
};

// Gives fixed keywords, synchronously or from a thread of its own.
class FixedKeywords final : public KeywordSource {
 public:
  explicit FixedKeywords(bool async) : async_(async) {}
  ~FixedKeywords() override {
    if (thread_.joinable()) ReleaseAndJoin();
  }
  std::string Name() const override { return "fixed"; }
  void Extract(const std::string& question, const std::string& opening, Callback done) override {
    ++calls;
    last_opening = opening;
    Keywords k{question, {"lighthouse", "password"}, "fixed", {1, 20, 4, 0}};
    if (!async_) return done(std::move(k));
    // Answers only once the test releases it, as a client thread would, later.
    thread_ = std::thread([this, k = std::move(k), done = std::move(done)]() mutable {
      release_.get_future().wait();
      done(k);
    });
  }
  void ReleaseAndJoin() {
    release_.set_value();
    thread_.join();
  }
  int calls = 0;
  std::string last_opening;

 private:
  bool async_;
  std::promise<void> release_;
  std::thread thread_;
};

std::string Document() {
  std::string text;
  for (int p = 0; p < 60; ++p) {
    text += "The ship sailed north along the grey coast while the crew mended sails. ";
    text += "Gulls cried over the cold water and the captain read his charts.\n\n";
    if (p == 30) text += "The lighthouse keeper kept his password in a tin of marmalade.\n\n";
  }
  return text;
}

class AnswerWorkerLv2Test : public ::testing::Test {
 protected:
  AnswerWorkerLv2Test()
      : store_(OpenTempStore(dir_)),
        counter_(text::MakeEstimator()),
        text_(Document()),
        doc_id_(store::DocumentIdOf(text_)),
        retriever_(*store_, *counter_, Options()) {
    EXPECT_TRUE(store_->Put(store::DocumentStore::TextKey(doc_id_), text_).ok());
  }
  static RetrievalOptions Options() {
    RetrievalOptions o;
    o.chunk_tokens = 60;
    o.budget_tokens = 120;
    return o;
  }
  envelope::RelevanceResult ChunkResult(uint32_t index, uint32_t count,
                                        envelope::RelevanceVerdict verdict,
                                        std::vector<std::string> quotes = {}, int level = 2) const {
    return builders::RelevanceResultFor(
        builders::TaskFor("task-1", doc_id_, "Where was the keeper's secret kept?", level), index,
        count, verdict, std::move(quotes));
  }
  void Feed(AnswerWorker& worker, const envelope::RelevanceResult& r) {
    const std::size_t i = results_.size();
    results_.emplace_back();
    worker.Handle(
        {kafka::kRelevanceResults, 0, static_cast<int64_t>(i), "task-1", envelope::Encode(r)},
        [this, i](Result<kafka::Outputs> out) { results_[i] = std::move(out); });
  }
  envelope::AnswerRecord RecordIn(std::size_t i) const {
    EXPECT_TRUE(results_[i].has_value());
    if (!results_[i] || !results_[i]->ok() || results_[i]->value().size() != 1) {
      ADD_FAILURE() << "message " << i << " carries no record";
      return {};
    }
    auto record = envelope::DecodeAnswerRecord(results_[i]->value()[0].value);
    EXPECT_TRUE(record.ok());
    return record.ok() ? record.value() : envelope::AnswerRecord{};
  }
  bool FinishedEmpty(std::size_t i) const {
    return results_[i].has_value() && results_[i]->ok() && results_[i]->value().empty();
  }
  // Every evidence span holds the text the backend was given, in document order.
  void ExpectEvidenceMatches(const envelope::AnswerRecord& record,
                             const std::vector<std::string>& given) const {
    ASSERT_EQ(record.evidence.size(), given.size());
    for (std::size_t i = 0; i < given.size(); ++i) {
      const auto& e = record.evidence[i];
      EXPECT_EQ(text_.substr(e.begin, e.end - e.begin), given[i]);
      if (i > 0) {
        EXPECT_GE(e.begin, record.evidence[i - 1].end);
      }
    }
  }
  static bool AnyContains(const std::vector<std::string>& texts, const std::string& word) {
    for (const auto& t : texts) {
      if (t.find(word) != std::string::npos) return true;
    }
    return false;
  }

  TempDir dir_;
  std::unique_ptr<store::DocumentStore> store_;
  std::unique_ptr<text::TokenCounter> counter_;
  std::string text_;
  std::string doc_id_;
  Retriever retriever_;
  RecordingBackend backend_;
  std::vector<std::optional<Result<kafka::Outputs>>> results_;
};

TEST_F(AnswerWorkerLv2Test, QuotesRetrievePassagesForTheBackend) {
  FixedKeywords keywords(false);
  AnswerWorker worker({}, backend_, &retriever_, &keywords);
  const std::string quote = "The lighthouse keeper kept his password in a tin of marmalade.";
  Feed(worker, ChunkResult(0, 2, envelope::RelevanceVerdict::kRelevant, {quote}));
  Feed(worker, ChunkResult(1, 2, envelope::RelevanceVerdict::kNone));

  ASSERT_EQ(backend_.calls.size(), 1u);
  const auto& given = backend_.calls[0];
  EXPECT_TRUE(AnyContains(given, "marmalade"));
  EXPECT_EQ(keywords.calls, 0);  // Lv2 with quotes: no keyword call
  const auto record = RecordIn(0);
  EXPECT_TRUE(FinishedEmpty(1));
  ExpectEvidenceMatches(record, given);
  EXPECT_EQ(record.quotes, std::vector<std::string>{quote});
  EXPECT_EQ(record.chunks_relevant, 1u);
  EXPECT_EQ(record.usage.calls, 3u);  // two relevance calls and the answer
  EXPECT_EQ(record.backend, "recording");
}

TEST_F(AnswerWorkerLv2Test, EveryChunkNoneFallsBackToKeywords) {
  FixedKeywords keywords(false);
  AnswerWorker worker({}, backend_, &retriever_, &keywords);
  Feed(worker, ChunkResult(0, 2, envelope::RelevanceVerdict::kNone));
  Feed(worker, ChunkResult(1, 2, envelope::RelevanceVerdict::kNone));

  EXPECT_EQ(keywords.calls, 1);
  EXPECT_EQ(keywords.last_opening, text_.substr(0, 400));
  ASSERT_EQ(backend_.calls.size(), 1u);
  EXPECT_TRUE(AnyContains(backend_.calls[0], "marmalade"));  // found by the keywords
  const auto record = RecordIn(0);
  ExpectEvidenceMatches(record, backend_.calls[0]);
  EXPECT_TRUE(record.quotes.empty());
  EXPECT_EQ(record.usage.calls, 4u);  // two relevance, one keyword, one answer
  EXPECT_EQ(record.usage.prompt_tokens, 270u);
  EXPECT_EQ(record.backend, "recording; keywords: fixed");
}

TEST_F(AnswerWorkerLv2Test, LevelOneAsksForKeywordsEvenWithQuotes) {
  FixedKeywords keywords(false);
  AnswerWorker worker({}, backend_, &retriever_, &keywords);
  Feed(worker, ChunkResult(0, 1, envelope::RelevanceVerdict::kRelevant, {"The ship sailed north."},
                           /*level=*/1));
  EXPECT_EQ(keywords.calls, 1);
  EXPECT_EQ(RecordIn(0).usage.calls, 3u);
}

// A level-1 task arrives as one not_asked result: answered at once from the keywords,
// no chunk counted unread; the same task sent up to level 2 is gathered again.
TEST_F(AnswerWorkerLv2Test, ANotAskedResultIsAnsweredAtOnceAndTheTaskCanComeBackALevelUp) {
  FixedKeywords keywords(false);
  AnswerWorker worker({}, backend_, &retriever_, &keywords);
  auto direct = ChunkResult(0, 5, envelope::RelevanceVerdict::kNotAsked, {}, /*level=*/1);
  direct.usage = {};
  Feed(worker, direct);
  EXPECT_EQ(keywords.calls, 1);
  ASSERT_EQ(backend_.calls.size(), 1u);
  EXPECT_TRUE(AnyContains(backend_.calls[0], "marmalade"));
  const auto record = RecordIn(0);
  EXPECT_EQ(record.task.level, 1);
  EXPECT_EQ(record.chunks_total, 5u);
  EXPECT_EQ(record.chunks_relevant, 0u);
  EXPECT_EQ(record.chunks_unread(), 0u);
  EXPECT_EQ(record.usage.calls, 2u);  // the keywords and the answer: no relevance call

  Feed(worker, direct);  // redelivered: the task is finished
  EXPECT_TRUE(FinishedEmpty(1));
  EXPECT_EQ(backend_.calls.size(), 1u);

  // The filter found it wrong: the same task at level 2 reads both chunks.
  Feed(worker, ChunkResult(0, 2, envelope::RelevanceVerdict::kRelevant,
                           {"The lighthouse keeper kept his password in a tin of marmalade."}));
  EXPECT_EQ(backend_.calls.size(), 1u);  // waits for the other chunk
  Feed(worker, ChunkResult(1, 2, envelope::RelevanceVerdict::kNone));
  ASSERT_EQ(backend_.calls.size(), 2u);
  EXPECT_EQ(RecordIn(2).task.level, 2);
  EXPECT_EQ(RecordIn(2).chunks_relevant, 1u);
}

TEST_F(AnswerWorkerLv2Test, AsyncKeywordsAreAnsweredOnTheNextTick) {
  FixedKeywords keywords(true);
  AnswerWorker worker({}, backend_, &retriever_, &keywords);
  Feed(worker, ChunkResult(0, 1, envelope::RelevanceVerdict::kNone));
  EXPECT_EQ(keywords.calls, 1);
  worker.Tick();  // nothing arrived yet
  EXPECT_TRUE(backend_.calls.empty());
  keywords.ReleaseAndJoin();
  EXPECT_TRUE(backend_.calls.empty());  // queued for the run-loop thread
  EXPECT_FALSE(results_[0].has_value());
  worker.Tick();
  ASSERT_EQ(backend_.calls.size(), 1u);
  EXPECT_TRUE(AnyContains(backend_.calls[0], "marmalade"));
  EXPECT_EQ(RecordIn(0).backend, "recording; keywords: fixed");
}

TEST_F(AnswerWorkerLv2Test, NoKeywordSourceQueriesWithTheQuestion) {
  AnswerWorker worker({}, backend_, &retriever_, nullptr);
  Feed(worker, ChunkResult(0, 1, envelope::RelevanceVerdict::kNone));
  ASSERT_EQ(backend_.calls.size(), 1u);
  EXPECT_FALSE(backend_.calls[0].empty());  // the question's words, or the front
  EXPECT_EQ(RecordIn(0).usage.calls, 2u);
}

TEST_F(AnswerWorkerLv2Test, MissingDocumentDeadLettersTheFirstMessage) {
  FixedKeywords keywords(false);
  AnswerWorker worker({}, backend_, &retriever_, &keywords);
  auto first = ChunkResult(0, 2, envelope::RelevanceVerdict::kRelevant, {"The ship sailed north."});
  auto second = ChunkResult(1, 2, envelope::RelevanceVerdict::kNone);
  first.task.doc_id = second.task.doc_id = "0123456789abcdef";
  Feed(worker, first);
  Feed(worker, second);
  ASSERT_TRUE(results_[0].has_value());
  ASSERT_FALSE(results_[0]->ok());
  EXPECT_EQ(results_[0]->error().disposition, Disposition::kDeadLetter);
  EXPECT_NE(results_[0]->error().message.find("evidence retrieval"), std::string::npos);
  EXPECT_TRUE(FinishedEmpty(1));
  EXPECT_TRUE(backend_.calls.empty());
}

}  // namespace
}  // namespace longforge::workers
