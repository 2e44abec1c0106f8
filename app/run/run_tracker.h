#pragma once
// Accounts for every task of every document a `run` submitted, so that the run
// ends exactly when all of them have ended — accepted, rejected or dead-lettered —
// and a lost message shows up as a run that does not finish, not as a short file.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "longforge/envelope/messages.h"
#include "longforge/envelope/reading.h"
#include "longforge/kafka/dead_letter.h"

namespace longforge::app {

// One written record, for the run report.
struct SampleStat {
  double seconds = 0;  // since the tracker was created
  envelope::Decision decision = envelope::Decision::kReject;
  std::size_t question_bytes = 0, answer_bytes = 0, evidence_bytes = 0;
  std::string type, difficulty;      // the task's question type; easy, medium or hard
  int level = 0;                     // the level that made the record
  uint64_t prompt_tokens = 0;        // all its LLM calls', lower levels included
  bool closed_book_checked = false;  // the filter asked the question without the document
  bool answerable = false;           // ... and was answered: answerable_without_document
};

struct RunSummary {
  std::size_t documents = 0, documents_ended = 0, documents_dead_lettered = 0;
  std::size_t tasks = 0, tasks_ended = 0, accepted = 0, rejected = 0, review = 0;
  std::size_t tasks_dead_lettered = 0, dlq_records = 0;
  std::map<std::string, std::size_t> rejected_by_reason;
  uint64_t llm_calls = 0, prompt_tokens = 0, completion_tokens = 0, cache_hits = 0;
  envelope::ReadingTally reading;  // unread chunks of the written records
  std::vector<std::string> notes;
  std::vector<SampleStat> samples;  // in the order they were written
};

// Thread-safe: ingest, the sink and the observer thread all report into it.
class RunTracker {
 public:
  void Submitted(const std::string& doc_id);
  // Observations from the topics (lf.tasks, lf.dlq) and from the sink (written records).
  void Ledger(const envelope::TaskLedger& ledger);
  // True when `sample` ended one of this run's tasks: false for a redelivery, a task
  // that already ended, or another run's document.
  bool Recorded(const envelope::SampleRecord& sample);
  // A lf.dlq record: its original topic and payload say which document or task ended;
  // a payload that names neither is only a note. True when the record concerns this
  // run: it names one of its documents, or nothing that can be read.
  bool DeadLettered(const kafka::DeadLetter& record);

  bool AllEnded() const;
  // Blocks until fewer than `limit` submitted documents are still open, or `stop`.
  void WaitForRoom(std::size_t limit, const std::atomic<bool>& stop);
  std::size_t OpenDocuments() const;
  RunSummary Summary() const;

 private:
  struct Doc {
    bool ledger = false, ended = false;
    std::set<std::string> open_tasks;
  };
  void EndTask(const std::string& doc_id, const std::string& task_id);
  void MaybeEnd(const std::string& doc_id, Doc& doc);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Doc> docs_;
  std::set<std::string> ended_tasks_;
  const std::chrono::steady_clock::time_point start_ =
      std::chrono::steady_clock::now();  // tasks that ended before their ledger arrived
  RunSummary summary_;
};

}  // namespace longforge::app
