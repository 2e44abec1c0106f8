#pragma once
// The questioner's credit-based fan-out. A document's relevance requests (one per chunk
// and question group) are released while the bytes released and not yet credited back
// stay within a budget; the relevance stage returns each request's credit
// (lf.relevance.credits) with its results, and every credit releases more. So the
// requests waiting on the broker, in every partition together, never exceed the budget
// of the questioner that released them, however many documents or questions arrive.
//
// Fan-outs are served first come, first served — the oldest releases first, so
// documents finish one after another instead of all late together — except that an Lv3
// sub-question goes ahead of the documents: it completes work already under way.
//
// Durability: a fan-out holds its lf.chunked message until every request was credited
// (the message is parked, its offset uncommitted). A questioner that dies loses its
// gate; the message is redelivered and the document released again from its first
// chunk, under a new release id. Credits of the old release are ignored (their requests
// are still counted by nobody, so just after a restart the backlog may briefly exceed
// the budget by what the old incarnation had out); repeated relevance calls come back
// from the LLM cache, and the answer stage keeps one result per chunk.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "longforge/envelope/chunk_table.h"
#include "longforge/envelope/messages.h"
#include "longforge/kafka/handler.h"
#include "workers/questioner/questioner_probe.h"

namespace longforge::workers {

// One fan-out: `tasks` over every chunk of `table`, `per_call` tasks to a request.
struct FanOutPlan {
  std::string key;  // identity: the document's id, or the sub-question's task id
  std::string doc_id;
  envelope::ChunkTable table;
  std::vector<envelope::Task> tasks;
  std::size_t per_call = 1;
  std::optional<envelope::TaskLedger> ledger;  // a document's, emitted at once
  kafka::Outputs direct;  // emitted with the ledger, needing no credit (level-1 tasks)
  bool urgent = false;    // an Lv3 sub-question: ahead of documents
};

class FanOutGate {
 public:
  // `max_bytes`: key + value bytes of relevance requests released and not yet credited
  // (a single request larger than that is released alone when nothing else is out).
  // `probe` may be null; it must outlive the gate.
  FanOutGate(std::size_t max_bytes, QuestionerProbe* probe);
  FanOutGate(const FanOutGate&) = delete;
  FanOutGate& operator=(const FanOutGate&) = delete;

  // Takes one fan-out: its ledger, if any, is emitted at once, its requests as the
  // budget allows, through `emit`. `done` is called with no outputs once every request
  // was released and credited, or with a kRetry error when a release could not be
  // delivered (the message is handled again, as a new release). A second message with
  // the key of a fan-out under way joins it (its done is called with the first one's).
  // Thread-safe.
  void Add(FanOutPlan plan, kafka::Done done, kafka::Emit emit);

  enum class CreditOutcome { kReturned, kDuplicate, kUnknown };
  // Takes a request's bytes back and releases what now fits. kUnknown: no fan-out
  // under way has that release id (a previous incarnation's, or one that failed).
  // Thread-safe.
  CreditOutcome Credit(const envelope::RelevanceCredit& credit);

  // Fan-outs under way.
  std::size_t Pending() const;
  // Messages they hold (a document redelivered while its fan-out was under way is held
  // by the same fan-out).
  std::size_t Held() const;
  std::size_t OutstandingBytes() const;
  // The most bytes ever outstanding at once.
  std::size_t PeakBytes() const;
  std::size_t max_bytes() const { return max_bytes_; }

 private:
  struct Job;
  struct Batch {
    std::shared_ptr<Job> job;
    kafka::Outputs outputs;
  };
  // Releases what fits, oldest fan-out first, into `batches`. Holds mu_.
  void ReleaseLocked(std::vector<Batch>& batches);
  // Emits `batches` (without mu_ held).
  void Send(std::vector<Batch> batches);
  void OnDelivered(const std::shared_ptr<Job>& job, const Status& status);
  std::vector<kafka::Done> Remove(const std::shared_ptr<Job>& job);

  const std::size_t max_bytes_;
  QuestionerProbe* probe_;
  mutable std::mutex mu_;
  std::deque<std::shared_ptr<Job>> jobs_;  // guarded by mu_; oldest first
  std::size_t outstanding_ = 0;            // guarded by mu_
  std::size_t peak_ = 0;                   // guarded by mu_
  uint64_t next_release_ = 0;              // guarded by mu_
  const uint64_t incarnation_;             // random: release ids differ across restarts
};

}  // namespace longforge::workers
