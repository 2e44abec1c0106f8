#pragma once
// The end-to-end count every fault test makes: each task of each document ended in
// exactly one way — accepted (dataset.jsonl), rejected or sent to review with reasons
// (rejected.jsonl), or dead-lettered with a reason (dead-letters.jsonl, or lf.dlq
// records read with kcat) — and nothing else: no task missing, none written twice.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace longforge::testing {

enum class TaskEnd { kAccepted, kRejected, kDeadLettered };

// How one task ended; `reasons` are the rejection reasons or the dead letter's reason.
struct TaskOutcome {
  std::string doc_id;
  TaskEnd end = TaskEnd::kAccepted;
  std::vector<std::string> reasons;
};

struct Accounting {
  std::map<std::string, TaskOutcome> tasks;           // by task id
  std::map<std::string, std::string> dead_documents;  // doc id -> reason
  // Whatever breaks the count: a task written twice or ended two ways, a rejection or
  // dead letter without a reason, a line that cannot be read, a task of no document.
  std::vector<std::string> problems;

  std::size_t Count(TaskEnd end) const;
  // Tasks per reason (a rejection with two reasons counts under both).
  std::map<std::string, std::size_t> Reasons(TaskEnd end) const;
  // One line per task and problem, for failure messages.
  std::string Describe() const;
};

// Reads `out_dir`'s dataset.jsonl, rejected.jsonl and dead-letters.jsonl, plus
// `dlq_lines` (lf.dlq/v1 records from elsewhere, e.g. kcat).
Accounting ReadAccounting(const std::string& out_dir,
                          const std::vector<std::string>& dlq_lines = {});

// `accounting`'s problems, plus every document of `expected` (doc id -> its number of
// tasks) whose tasks did not all end, and every task of a document not expected. A
// dead-lettered document accounts for all its tasks. Empty when everything adds up.
std::vector<std::string> Unaccounted(const Accounting& accounting,
                                     const std::map<std::string, std::size_t>& expected);

// {"synthetic-0": questions, …}: the documents of WriteSyntheticDocuments (cluster.h).
std::map<std::string, std::size_t> SyntheticTasks(int documents, int questions, int first = 0);

}  // namespace longforge::testing
