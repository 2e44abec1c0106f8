#include "accounting.h"

#include <nlohmann/json.hpp>

#include "longforge/envelope/subject.h"
#include "longforge/kafka/dead_letter.h"
#include "longforge/kafka/topics.h"
#include "support/subprocess.h"

namespace longforge::testing {
namespace {

const char* EndName(TaskEnd end) {
  switch (end) {
    case TaskEnd::kAccepted:
      return "accepted";
    case TaskEnd::kRejected:
      return "rejected";
    case TaskEnd::kDeadLettered:
      return "dead-lettered";
  }
  return "?";
}

void Add(Accounting& a, const std::string& task_id, TaskOutcome outcome, const std::string& where) {
  const auto [it, inserted] = a.tasks.try_emplace(task_id, outcome);
  if (inserted) return;
  a.problems.push_back("task " + task_id + " ended twice: " + EndName(it->second.end) + " and " +
                       EndName(outcome.end) + " (" + where + ")");
}

// dataset.jsonl or rejected.jsonl, in the messages format (meta carries the ids).
void ReadSamples(Accounting& a, const std::string& path, TaskEnd end) {
  int n = 0;
  for (const auto& line : ReadLines(path)) {
    const std::string where = path + ":" + std::to_string(++n);
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("meta") || !j["meta"].contains("task_id")) {
      a.problems.push_back(where + ": not a sample record");
      continue;
    }
    const auto& meta = j["meta"];
    TaskOutcome outcome{meta.value("doc_id", ""), end, {}};
    for (const auto& r : meta.value("reasons", nlohmann::json::array())) {
      outcome.reasons.push_back(r.get<std::string>());
    }
    if (end == TaskEnd::kRejected && outcome.reasons.empty()) {
      a.problems.push_back(where + ": rejected without a reason");
    }
    Add(a, meta["task_id"].get<std::string>(), std::move(outcome), where);
  }
}

void ReadDeadLetter(Accounting& a, const std::string& line, const std::string& where) {
  const auto record = kafka::DecodeDeadLetter(line);
  if (!record) {
    a.problems.push_back(where + ": not a lf.dlq record: " + record.error().message);
    return;
  }
  if (record->reason.empty()) a.problems.push_back(where + ": dead letter without a reason");
  const std::string& topic = record->message.topic;
  const auto subject = envelope::DecodeSubject(record->message.value);
  if (!subject) {
    a.problems.push_back(where + ": dead letter from " + topic +
                         " names no document: " + record->reason);
    return;
  }
  if (topic == kafka::kDocuments || topic == kafka::kChunked || topic == kafka::kMapped) {
    if (!a.dead_documents.emplace(subject->doc_id, record->reason).second) {
      a.problems.push_back(where + ": document " + subject->doc_id + " dead-lettered twice");
    }
    return;
  }
  if (subject->task_id.empty()) {
    a.problems.push_back(where + ": dead letter from " + topic +
                         " names no task: " + record->reason);
    return;
  }
  // A Lv3 sub-question's failure ends the question it serves.
  const std::string& id =
      subject->parent_task_id.empty() ? subject->task_id : subject->parent_task_id;
  Add(a, id, {subject->doc_id, TaskEnd::kDeadLettered, {record->reason}}, where);
}

}  // namespace

std::size_t Accounting::Count(TaskEnd end) const {
  std::size_t n = 0;
  for (const auto& [id, t] : tasks) n += t.end == end ? 1 : 0;
  return n;
}

std::map<std::string, std::size_t> Accounting::Reasons(TaskEnd end) const {
  std::map<std::string, std::size_t> out;
  for (const auto& [id, t] : tasks) {
    if (t.end != end) continue;
    for (const auto& r : t.reasons) ++out[r];
  }
  return out;
}

std::string Accounting::Describe() const {
  std::string out;
  for (const auto& [id, t] : tasks) {
    out += "  " + t.doc_id + " " + id + ": " + EndName(t.end);
    for (const auto& r : t.reasons) out += " [" + r + "]";
    out += "\n";
  }
  for (const auto& [doc, reason] : dead_documents) {
    out += "  document " + doc + ": dead-lettered [" + reason + "]\n";
  }
  for (const auto& p : problems) out += "  problem: " + p + "\n";
  return out;
}

Accounting ReadAccounting(const std::string& out_dir, const std::vector<std::string>& dlq_lines) {
  Accounting a;
  ReadSamples(a, out_dir + "/dataset.jsonl", TaskEnd::kAccepted);
  ReadSamples(a, out_dir + "/rejected.jsonl", TaskEnd::kRejected);
  const std::string path = out_dir + "/dead-letters.jsonl";
  int n = 0;
  for (const auto& line : ReadLines(path))
    ReadDeadLetter(a, line, path + ":" + std::to_string(++n));
  n = 0;
  for (const auto& line : dlq_lines) ReadDeadLetter(a, line, "lf.dlq:" + std::to_string(++n));
  return a;
}

std::vector<std::string> Unaccounted(const Accounting& accounting,
                                     const std::map<std::string, std::size_t>& expected) {
  std::vector<std::string> problems = accounting.problems;
  std::map<std::string, std::size_t> ended;
  for (const auto& [id, t] : accounting.tasks) {
    if (!expected.contains(t.doc_id)) {
      problems.push_back("task " + id + " of unexpected document " + t.doc_id);
    } else if (accounting.dead_documents.contains(t.doc_id)) {
      problems.push_back("task " + id + " of dead-lettered document " + t.doc_id);
    }
    ++ended[t.doc_id];
  }
  for (const auto& [doc, tasks] : expected) {
    if (accounting.dead_documents.contains(doc)) continue;
    if (ended[doc] != tasks) {
      problems.push_back("document " + doc + ": " + std::to_string(ended[doc]) + " of " +
                         std::to_string(tasks) + " tasks accounted for");
    }
  }
  return problems;
}

std::map<std::string, std::size_t> SyntheticTasks(int documents, int questions, int first) {
  std::map<std::string, std::size_t> out;
  for (int d = first; d < first + documents; ++d) {
    out["synthetic-" + std::to_string(d)] = static_cast<std::size_t>(questions);
  }
  return out;
}

}  // namespace longforge::testing
