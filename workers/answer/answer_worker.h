#pragma once
// answer: lf.relevance.results → lf.answers. Gathers every chunk's result of a
// task, picks the evidence, asks the backend for the answer and emits the record.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "longforge/common/dependency_health.h"
#include "longforge/kafka/handler.h"
#include "longforge/store/document_store.h"
#include "workers/answer/answer_backend.h"
#include "workers/answer/answer_probe.h"
#include "workers/answer/keywords.h"
#include "workers/answer/note_reducer.h"
#include "workers/answer/planner.h"
#include "workers/answer/retriever.h"
#include "workers/answer/task_gatherer.h"

namespace longforge::workers {

struct AnswerOptions {
  // A task that got no new chunk result for this long is answered from what it has,
  // the missing chunks counted as lost (AnswerStageOptions sets it from
  // --gather-timeout). Default 600 s.
  std::chrono::seconds gather_timeout{600};
  // --hop-limit: Lv3 sub-questions per question before the answer is forced; default 4.
  int hop_limit = 4;

  std::vector<std::string> Validate() const;
};

// Evidence, by what the worker was given:
// - no retriever: the relevance quotes themselves; the record's evidence spans are the
//   relevant chunks (the extractive pipeline's behaviour);
// - a retriever (DESIGN §1, Lv2): BM25 over the document's retrieval chunks, queried
//   with the quotes and the question, the selected passages' texts going to the
//   backend and their [begin, end) becoming the evidence spans. For a level-1 task, or
//   when no chunk was relevant (every chunk said none: Lv1 instead of failing), the
//   keyword source's keywords join the query first and its usage joins the record's.
//   Without a keyword source the query is the quotes and the question.
// Either way `quotes` are the relevance quotes, and a task's messages finish together:
// the first gathered message carries the record (or, on a backend or retrieval error,
// goes to lf.dlq), the others finish empty.
//
// Threading: Handle and Tick run on the run-loop thread, and so do retrieval and the
// backend call. Keywords may arrive on an LLM client thread; they are queued and the
// retrieval that follows runs at the next Handle or Tick (<= ~100 ms later), so a
// client thread never builds an index.
// Lv3 for tasks of level 3: after a task's evidence is in, `planner` answers or asks a
// sub-question, which is fanned out over the document's chunks (read from `store`) as a
// new task carrying the memory and the question it serves; when its results are
// gathered its answer joins the memory and the planner is asked again, until it answers
// or hop_limit sub-questions were asked. No state is kept between messages. Without
// both, level-3 tasks are answered as level 2. Both must outlive the worker.
struct MultiHop {
  Planner* planner = nullptr;
  store::DocumentStore* store = nullptr;
};

// Global reading, for tasks of scope global (given a retriever, which knows the outline
// and the budget): every relevance quote is a note, kept in document order with its
// chunk and chapter; notes within --evidence-tokens go to the backend at once, others
// are condensed in consecutive groups by `reducer` (one call per group, in parallel) and
// condensed again, up to kMaxReduceDepth rounds, until they fit. A round that does not
// shrink the notes, or that fails for good, dead-letters the task with the reason; a
// round that fails transiently is made again after a backoff like an answer call (its
// finished calls then come from the response cache, as after a crash: nothing of the
// reduction lives only in the worker). Without a reducer, global tasks are answered as
// local ones. The record carries the number of notes and the reduce depth.
class AnswerWorker final : public kafka::Handler {
 public:
  static constexpr uint32_t kMaxReduceDepth = 6;

  AnswerWorker(AnswerOptions options, AnswerBackend& backend);
  // `retriever` and `keywords` may be null; when not, they must outlive the worker.
  // `keywords` is used only with a retriever. `multi_hop`: see MultiHop. `probe` (may
  // be null) must outlive the worker.
  // `llm_health` (may be null: counted always) is the health of the backend's LLM:
  // answer calls that fail while it is down are retried without counting (below).
  AnswerWorker(AnswerOptions options, AnswerBackend& backend, Retriever* retriever,
               KeywordSource* keywords, MultiHop multi_hop = {}, AnswerProbe* probe = nullptr,
               const DependencyHealth* llm_health = nullptr, NoteReducer* reducer = nullptr);

  // An answer call that fails with a transient error (the client's own retries spent:
  // an LLM down or overloaded for a while) is asked again after a backoff, up to this
  // many failures; failures while `llm_health` says the LLM is down do not count, as
  // the run loop does for its messages. The task's messages stay in flight meanwhile:
  // a retry of one of them would find the task already gathered and drop it.
  static constexpr int kAnswerAttempts = 3;

  void Handle(const kafka::InMessage& message, kafka::Done done) override;
  void Tick() override;
  // Results held by tasks still gathering: they wait for their task's other chunks,
  // not for any work of this worker, so they do not count against --max-in-flight.
  std::size_t Parked() const override { return gatherer_.held(); }

 private:
  // A gathered task on its way to the backend.
  struct Pending {
    std::shared_ptr<envelope::AnswerRecord> record;
    std::shared_ptr<std::vector<kafka::Done>> dones;
    int failures = 0;  // answer calls that failed transiently and counted
    int tries = 0;     // answer calls made, failed or not; sets the backoff
  };
  // A call to make again once `due` (an answer call, or a round of reduce calls), on
  // the run-loop thread.
  struct AnswerRetry {
    std::function<void(AnswerWorker&)> again;
    std::chrono::steady_clock::time_point due;
  };
  // Keyword results and answer retries waiting for the run-loop thread. Shared with
  // the callbacks so that a late callback after the worker is gone writes into a live
  // object.
  struct Mailbox {
    std::mutex mu;
    std::vector<std::pair<Pending, Keywords>> ready;  // guarded by mu
    std::vector<AnswerRetry> retries;                 // guarded by mu
  };

  void Complete(GatheredTask task);
  void DrainKeywords();
  void DrainRetries();
  void Retrieve(Pending p, const Keywords* keywords);
  void Ask(const Pending& p, std::vector<std::string> evidence);
  // The backend's reply to Ask (on an LLM client thread): the record, a retry queued
  // in `mailbox`, or the dead letter.
  static void Answered(Pending tried, std::vector<std::string> evidence, Mailbox& mailbox,
                       const DependencyHealth* health, Result<std::string> answer,
                       envelope::LlmUsage usage);
  // Whether a transient failure of `tried` is tried again (counted unless the LLM is
  // down; at most kAnswerAttempts), and after how long.
  static std::optional<std::chrono::seconds> RetryAfter(Pending& tried,
                                                        const DependencyHealth* health);
  // Global reading (global_reading.cc).
  void ReadGlobally(Pending p, std::vector<Note> notes);
  void ReduceNotes(Pending p, std::vector<Note> notes, uint32_t depth);
  // Lv3 steps (multi_hop.cc); they run on LLM client threads, and so does the
  // retrieval for the root question after a sub-question (the retriever is thread-safe).
  void Hop(const Pending& p, std::vector<std::string> evidence);
  void NextStep(const Pending& p, envelope::Task root, std::vector<std::string> evidence);
  std::vector<std::string> RootEvidence(const Pending& p, const envelope::Task& root,
                                        std::vector<std::string> evidence);
  void FanOut(const Pending& p, const envelope::Task& root, const std::string& sub_question);
  static void Finish(const Pending& p, Result<kafka::Outputs> outputs);

  AnswerOptions options_;
  AnswerBackend& backend_;
  Retriever* retriever_ = nullptr;
  KeywordSource* keywords_ = nullptr;
  Planner* planner_;
  store::DocumentStore* store_;
  AnswerProbe* probe_;
  const DependencyHealth* llm_health_;
  NoteReducer* reducer_;
  TaskGatherer gatherer_;
  std::shared_ptr<Mailbox> mailbox_ = std::make_shared<Mailbox>();
};

}  // namespace longforge::workers
