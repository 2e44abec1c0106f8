// Global reading in the answer worker: every note of a global task, in document order
// with its position and chapter, reaches the answer call, reduced round by round when it
// does not fit; a reduction that cannot finish is dead-lettered with its reason.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "longforge/kafka/topics.h"
#include "longforge/llm/caching_chat_client.h"
#include "longforge/llm/http_chat_client.h"
#include "longforge/llm/response_cache.h"
#include "support/builders.h"
#include "support/fake_llm_server.h"
#include "support/temp_store.h"
#include "workers/answer/answer_worker.h"
#include "workers/answer/llm_answer.h"
#include "workers/answer/note_reducer.h"

namespace longforge::workers {
namespace {

using envelope::RelevanceVerdict;

// Records the evidence it is given and answers "done".
class RecordingBackend final : public AnswerBackend {
 public:
  std::string Name() const override { return "recording"; }
  void Answer(const envelope::Task&, std::vector<std::string> evidence, Callback done) override {
    calls.push_back(evidence);
    done(std::string("done"), envelope::LlmUsage{1, 50, 5, 0});
  }
  std::vector<std::vector<std::string>> calls;
};

// Keeps the notes that hold `keep`, or all of them; fails the first `failures` calls
// transiently.
class ScriptedReducer final : public NoteReducer {
 public:
  explicit ScriptedReducer(std::string keep = {}, int failures = 0)
      : keep_(std::move(keep)), failures_(failures) {}
  std::string Name() const override { return "scripted"; }
  void Reduce(const envelope::Task&, std::vector<Note> notes, uint32_t, std::size_t target,
              Callback done) override {
    ++calls;
    last_target = target;
    if (failures_ > 0) {
      --failures_;
      return done(Error::Retry("server overloaded"), envelope::LlmUsage{1, 10, 0, 0});
    }
    std::vector<Note> out;
    for (auto& n : notes) {
      if (keep_.empty() || n.text.find(keep_) != std::string::npos) out.push_back(std::move(n));
    }
    done(std::move(out), envelope::LlmUsage{1, 100, 20, 0});
  }
  std::atomic<int> calls = 0;
  std::size_t last_target = 0;

 private:
  std::string keep_;
  std::atomic<int> failures_;
};

constexpr uint32_t kChunks = 8;

// Four chapters of two chunks each; chunk c is bytes [c*kChunkBytes, (c+1)*kChunkBytes).
constexpr std::size_t kChunkBytes = 400;
std::string Document() {
  std::string text;
  for (uint32_t c = 0; c < kChunks; ++c) {
    std::string chunk;
    if (c % 2 == 0) chunk = "CHAPTER " + std::string(c / 2 + 1, 'I') + "\n\n";
    while (chunk.size() < kChunkBytes) chunk += "The bell rang over the harbour at dusk. ";
    chunk.resize(kChunkBytes - 1);
    chunk += '\n';
    text += chunk;
  }
  return text;
}

class GlobalReadingTest : public ::testing::Test {
 protected:
  GlobalReadingTest()
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
    o.budget_tokens = 1000;
    return o;
  }
  envelope::Task GlobalTask() const {
    auto t = builders::TaskFor("task-g", doc_id_, "How many times did the bell ring?");
    t.scope = envelope::Scope::kGlobal;
    return t;
  }
  // Every chunk relevant, with `per_chunk` notes each ("bell N" notes and "gull N" ones).
  void FeedAll(AnswerWorker& worker, int per_chunk, const envelope::Task& task) {
    for (uint32_t c = 0; c < kChunks; ++c) {
      std::vector<std::string> quotes;
      for (int q = 0; q < per_chunk; ++q) {
        quotes.push_back((q % 2 == 0 ? "The bell rang, time " : "A gull cried, time ") +
                         std::to_string(c * per_chunk + q) + ".");
      }
      auto r = builders::RelevanceResultFor(task, c, kChunks, RelevanceVerdict::kRelevant,
                                            std::move(quotes));
      r.chunk = {c, c * kChunkBytes, (c + 1) * kChunkBytes, 100};
      const std::size_t i = results_.size();
      results_.emplace_back();
      worker.Handle(
          {kafka::kRelevanceResults, 0, static_cast<int64_t>(i), task.task_id, envelope::Encode(r)},
          [this, i](Result<kafka::Outputs> out) { results_[i] = std::move(out); });
    }
  }
  bool WaitFirst(AnswerWorker& worker, std::chrono::seconds limit = std::chrono::seconds(10)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!results_.empty() && !results_[0].has_value()) {
      if (std::chrono::steady_clock::now() > until) return false;
      worker.Tick();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return !results_.empty();
  }
  envelope::AnswerRecord Record() const {
    if (results_.empty() || !results_[0] || !results_[0]->ok() ||
        results_[0]->value().size() != 1) {
      ADD_FAILURE() << "the first message carries no record";
      return {};
    }
    auto record = envelope::DecodeAnswerRecord(results_[0]->value()[0].value);
    EXPECT_TRUE(record.ok());
    return record.ok() ? record.value() : envelope::AnswerRecord{};
  }

  TempDir dir_;
  std::unique_ptr<store::DocumentStore> store_;
  std::unique_ptr<text::TokenCounter> counter_;
  std::string text_;
  std::string doc_id_;
  Retriever retriever_;
  std::vector<std::optional<Result<kafka::Outputs>>> results_;
};

TEST(Notes, RenderWithPositionAndChapterAndParseBack) {
  const Note note{12, "BOOK ONE / CHAPTER III", " Pierre laughed. "};
  EXPECT_EQ(RenderNote(note, 300), "[part 13 of 300 | BOOK ONE / CHAPTER III] Pierre laughed.");
  EXPECT_EQ(RenderNote({0, "", "x"}, 2), "[part 1 of 2] x");
  EXPECT_EQ(NoteText(RenderNote(note, 300)), "Pierre laughed.");
  EXPECT_EQ(NoteText("[a bracket] of the text itself"), "[a bracket] of the text itself");

  const Note fallback{4, "CHAPTER I", ""};
  const auto notes = ParseNotes(
      "[part 13 of 300 | BOOK ONE / CHAPTER III] Pierre laughed.\n"
      "\n"
      "- [part 20 of 300] He left Moscow.\n"
      "and kept walking\n"
      "[no position here] odd",
      fallback);
  ASSERT_EQ(notes.size(), 4u);
  EXPECT_EQ(notes[0].chunk, 12u);
  EXPECT_EQ(notes[0].chapter, "BOOK ONE / CHAPTER III");
  EXPECT_EQ(notes[0].text, "Pierre laughed.");
  EXPECT_EQ(notes[1].chunk, 19u);
  EXPECT_EQ(notes[1].chapter, "");
  EXPECT_EQ(notes[1].text, "He left Moscow.");
  EXPECT_EQ(notes[2].chunk, 19u) << "a line without a position keeps the one before it";
  EXPECT_EQ(notes[2].text, "and kept walking");
  EXPECT_EQ(notes[3].text, "[no position here] odd");
  EXPECT_TRUE(ParseNotes(" NONE \n", fallback).empty());
  const auto orphan = ParseNotes("no label at all", fallback);
  ASSERT_EQ(orphan.size(), 1u);
  EXPECT_EQ(orphan[0].chunk, 4u);
  EXPECT_EQ(orphan[0].chapter, "CHAPTER I");
}

TEST(Notes, GroupsAreConsecutiveAndWithinTheBudget) {
  const auto counter = text::MakeEstimator();
  std::vector<Note> notes;
  for (uint32_t i = 0; i < 40; ++i)
    notes.push_back({i, "", "a note of some length, number " + std::to_string(i)});
  const std::size_t budget = 100;
  const auto groups = GroupNotes(notes, 40, *counter, budget);
  ASSERT_GT(groups.size(), 1u);
  uint32_t next = 0;
  for (const auto& g : groups) {
    EXPECT_LE(NoteTokens(g, 40, *counter), budget);
    for (const auto& n : g) EXPECT_EQ(n.chunk, next++);
  }
  EXPECT_EQ(next, 40u);
  // A note over the budget is a group of its own.
  const auto big = GroupNotes({{0, "", std::string(1000, 'x')}, {1, "", "y"}}, 2, *counter, 50);
  ASSERT_EQ(big.size(), 2u);
  EXPECT_EQ(big[0].size(), 1u);
}

TEST(Notes, TheExtractiveReducerKeepsTheNotesSharingTheQuestionsTermsInOrder) {
  const auto counter = text::MakeEstimator();
  auto reducer = MakeExtractiveNoteReducer(*counter);
  EXPECT_EQ(reducer->Name(), "extractive (no LLM)");
  std::vector<Note> notes;
  for (uint32_t i = 0; i < 30; ++i) {
    notes.push_back({i, "",
                     i % 3 == 0 ? "The brass bell rang at the chapel, time " + std::to_string(i)
                                : "Gulls cried over the cold water, time " + std::to_string(i)});
  }
  const auto before = NoteTokens(notes, 30, *counter);
  std::optional<std::vector<Note>> out;
  reducer->Reduce(builders::TaskFor("t", "d", "How often did the brass bell ring at the chapel?"),
                  notes, 30, before / 3, [&](Result<std::vector<Note>> r, envelope::LlmUsage u) {
                    ASSERT_TRUE(r.ok());
                    EXPECT_EQ(u.calls, 0u);
                    out = std::move(r.value());
                  });
  ASSERT_TRUE(out.has_value());
  ASSERT_FALSE(out->empty());
  EXPECT_LE(NoteTokens(*out, 30, *counter), before / 3);
  for (std::size_t i = 0; i < out->size(); ++i) {
    EXPECT_NE((*out)[i].text.find("bell"), std::string::npos) << (*out)[i].text;
    if (i > 0) {
      EXPECT_LT((*out)[i - 1].chunk, (*out)[i].chunk);
    }
  }
}

TEST_F(GlobalReadingTest, NotesThatFitGoToTheAnswerInOrderWithTheirChapters) {
  RecordingBackend backend;
  ScriptedReducer reducer;
  AnswerWorker worker({}, backend, &retriever_, nullptr, {}, nullptr, nullptr, &reducer);
  FeedAll(worker, 2, GlobalTask());
  ASSERT_TRUE(WaitFirst(worker));
  EXPECT_EQ(reducer.calls, 0);
  ASSERT_EQ(backend.calls.size(), 1u);
  const auto& notes = backend.calls[0];
  ASSERT_EQ(notes.size(), 2u * kChunks);
  EXPECT_EQ(notes[0], "[part 1 of 8 | CHAPTER I] The bell rang, time 0.");
  EXPECT_EQ(notes[5], "[part 3 of 8 | CHAPTER II] A gull cried, time 5.");
  EXPECT_EQ(notes[15], "[part 8 of 8 | CHAPTER IIII] A gull cried, time 15.");
  const auto record = Record();
  EXPECT_EQ(record.task.scope, envelope::Scope::kGlobal);
  EXPECT_EQ(record.notes, 2u * kChunks);
  EXPECT_EQ(record.reduce_depth, 0u);
  EXPECT_EQ(record.answer, "done");
  ASSERT_EQ(record.evidence.size(), kChunks);
  EXPECT_EQ(record.evidence[0].chapter, "CHAPTER I");
  EXPECT_EQ(record.evidence[7].chapter, "CHAPTER IIII");
  for (std::size_t i = 1; i < results_.size(); ++i) {
    ASSERT_TRUE(results_[i].has_value() && results_[i]->ok());
    EXPECT_TRUE(results_[i]->value().empty());
  }
}

TEST_F(GlobalReadingTest, NotesOverTheBudgetAreReducedInGroupsUntilTheyFit) {
  RecordingBackend backend;
  ScriptedReducer reducer("bell");
  AnswerWorker worker({}, backend, &retriever_, nullptr, {}, nullptr, nullptr, &reducer);
  FeedAll(worker, 12, GlobalTask());  // 96 notes, about 1,700 tokens
  ASSERT_TRUE(WaitFirst(worker));
  EXPECT_GT(reducer.calls, 1) << "one call per group of notes that fits the budget";
  ASSERT_EQ(backend.calls.size(), 1u);
  for (const auto& note : backend.calls[0]) {
    EXPECT_NE(note.find("The bell rang"), std::string::npos) << note;
  }
  const auto record = Record();
  EXPECT_EQ(record.notes, 12u * kChunks);
  EXPECT_GE(record.reduce_depth, 1u);
  // The relevance calls (one per chunk), every reduce call and the answer call.
  EXPECT_EQ(record.usage.calls, kChunks + static_cast<uint32_t>(reducer.calls.load()) + 1);
}

TEST_F(GlobalReadingTest, AReducerThatCondensesNothingIsDeadLetteredWithTheReason) {
  RecordingBackend backend;
  ScriptedReducer keeps_everything;
  AnswerWorker worker({}, backend, &retriever_, nullptr, {}, nullptr, nullptr, &keeps_everything);
  FeedAll(worker, 12, GlobalTask());
  ASSERT_TRUE(WaitFirst(worker));
  ASSERT_TRUE(results_[0].has_value());
  ASSERT_FALSE(results_[0]->ok());
  EXPECT_EQ(results_[0]->error().disposition, Disposition::kDeadLetter);
  EXPECT_NE(results_[0]->error().message.find("did not condense"), std::string::npos)
      << results_[0]->error().message;
  EXPECT_TRUE(backend.calls.empty());
}

TEST_F(GlobalReadingTest, AReduceRoundThatFailsTransientlyIsMadeAgain) {
  RecordingBackend backend;
  ScriptedReducer flaky("bell", 1);
  AnswerWorker worker({}, backend, &retriever_, nullptr, {}, nullptr, nullptr, &flaky);
  FeedAll(worker, 12, GlobalTask());
  ASSERT_TRUE(WaitFirst(worker, std::chrono::seconds(15)));
  const auto record = Record();
  EXPECT_EQ(record.answer, "done");
  EXPECT_GE(record.reduce_depth, 1u);
}

TEST_F(GlobalReadingTest, ALocalTaskIsRetrievedAsBefore) {
  RecordingBackend backend;
  ScriptedReducer reducer;
  AnswerWorker worker({}, backend, &retriever_, nullptr, {}, nullptr, nullptr, &reducer);
  auto task = GlobalTask();
  task.scope = envelope::Scope::kLocal;
  FeedAll(worker, 2, task);
  ASSERT_TRUE(WaitFirst(worker));
  EXPECT_EQ(reducer.calls, 0);
  const auto record = Record();
  EXPECT_EQ(record.notes, 0u);
  ASSERT_EQ(backend.calls.size(), 1u);
  EXPECT_EQ(backend.calls[0][0].find("[part"), std::string::npos) << "passages, not notes";
}

// A worker killed in the middle of a reduction: the next one gathers the same results
// again, its finished reduce calls come from the response cache and only the rest go
// to the server.
TEST_F(GlobalReadingTest, AKilledWorkerResumesAndReplaysFinishedReduceCallsFromTheCache) {
  std::atomic<bool> hang_second_group = true;
  std::atomic<int> reduce_calls = 0;
  testing::FakeLlmServer server([&](const testing::FakeRequest& r) {
    if (r.stage == "answer") return testing::FakeReply::Content("It rang 48 times.");
    if (r.stage != "reduce") return testing::FakeReply::Status(400);
    ++reduce_calls;
    const std::string& notes = r.messages.back().content;
    // Keep the bell lines of the group; the group holding part 8 hangs the first time.
    if (hang_second_group && notes.find("[part 8 of 8") != std::string::npos) {
      return testing::FakeReply::Hang(std::chrono::seconds(30));
    }
    std::string kept;
    std::size_t at = 0;
    while ((at = notes.find("[part ", at)) != std::string::npos) {
      const std::size_t end = notes.find('\n', at);
      const std::string line = notes.substr(at, end - at);
      if (line.find("bell") != std::string::npos) kept += line + "\n";
      at = end;
    }
    return testing::FakeReply::Content(kept);
  });
  const std::string cache_path = dir_ / "llm-cache.sqlite";
  const auto make_client = [&] {
    llm::HttpChatClientOptions o;
    o.base_url = server.base_url();
    o.model = "fake-model";
    o.max_attempts = 1;
    auto http = llm::HttpChatClient::Create(o);
    EXPECT_TRUE(http.ok());
    auto cache = llm::ResponseCache::Open(cache_path);
    EXPECT_TRUE(cache.ok());
    return std::make_unique<llm::CachingChatClient>(std::move(http.value()),
                                                    std::move(cache.value()), "fake-model");
  };

  int first_round = 0;
  {
    auto client = make_client();
    auto reducer = MakeLlmNoteReducer(*client);
    LlmAnswerBackend backend(*client);
    AnswerWorker worker({}, backend, &retriever_, nullptr, {}, nullptr, nullptr, reducer.get());
    FeedAll(worker, 12, GlobalTask());
    // Wait until every group but the hanging one was answered, then "crash".
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (server.request_count("reduce") < 2 && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    first_round = reduce_calls;
    ASSERT_GE(first_round, 2);
    EXPECT_FALSE(results_[0].has_value()) << "the reduction cannot have finished";
    client.reset();  // the process dies: outstanding calls fail, nothing is emitted
  }
  results_.clear();
  hang_second_group = false;
  auto client = make_client();
  auto reducer = MakeLlmNoteReducer(*client);
  LlmAnswerBackend backend(*client);
  AnswerWorker worker({}, backend, &retriever_, nullptr, {}, nullptr, nullptr, reducer.get());
  FeedAll(worker, 12, GlobalTask());
  ASSERT_TRUE(WaitFirst(worker));
  const auto record = Record();
  EXPECT_EQ(record.answer, "It rang 48 times.");
  EXPECT_GE(record.reduce_depth, 1u);
  // The groups answered before the crash were replayed, not asked again: only the one
  // that hung was sent a second time.
  EXPECT_GE(record.usage.cache_hits, static_cast<uint32_t>(first_round - 1));
  EXPECT_EQ(reduce_calls.load(), first_round + 1);
}

}  // namespace
}  // namespace longforge::workers
