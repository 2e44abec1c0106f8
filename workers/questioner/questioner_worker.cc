#include "questioner_worker.h"

#include <set>

#include "longforge/common/hash.h"
#include "longforge/envelope/chunk_table.h"
#include "longforge/kafka/topics.h"

namespace longforge::workers {
namespace {

// Trims and collapses runs of ASCII whitespace; lower-cases ASCII letters.
std::string FoldQuestion(const std::string& q) {
  std::string out;
  bool space = false;
  for (const char c : q) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

}  // namespace

std::vector<std::string> QuestionerOptions::Validate() const {
  std::vector<std::string> problems;
  if (questions_per_call < 1 || questions_per_call > 32) {
    problems.emplace_back("--questions-per-call must be 1..32");
  }
  if (level < 1 || level > 3) problems.emplace_back("--level must be 1, 2 or 3");
  if (max_tasks_per_document < 1) problems.emplace_back("max tasks per document must be >= 1");
  return problems;
}

std::string TaskIdOf(const std::string& doc_id, const std::string& question) {
  return Hash128Hex(doc_id + "\n" + FoldQuestion(question));
}

QuestionerWorker::QuestionerWorker(QuestionerOptions options, store::DocumentStore& store)
    : options_(std::move(options)), store_(store) {}

std::vector<envelope::Task> QuestionerWorker::PlanTasks(const envelope::ChunkedEvent& doc,
                                                        std::vector<std::string>& notes) const {
  std::vector<envelope::Task> tasks;
  std::set<std::string> seen;
  std::size_t empty = 0, duplicate = 0, over = 0;
  for (const auto& q : doc.questions) {
    if (FoldQuestion(q.question).empty()) {
      ++empty;
      continue;
    }
    envelope::Task t;
    t.task_id = TaskIdOf(doc.doc_id, q.question);
    if (!seen.insert(t.task_id).second) {
      ++duplicate;
      continue;
    }
    if (tasks.size() >= options_.max_tasks_per_document) {
      ++over;
      continue;
    }
    t.doc_id = doc.doc_id;
    t.question = q.question;
    t.reference = q.answer;
    t.origin = "supplied";
    t.type = "supplied";
    t.level = options_.level;
    t.chunks_ref = doc.chunks_ref;
    tasks.push_back(std::move(t));
  }
  if (empty) notes.push_back(std::to_string(empty) + " empty questions dropped");
  if (duplicate) notes.push_back(std::to_string(duplicate) + " duplicate questions dropped");
  if (over)
    notes.push_back(std::to_string(over) + " questions over the per-document limit dropped");
  if (doc.questions.empty()) notes.emplace_back("no questions supplied");
  return tasks;
}

Result<kafka::Outputs> QuestionerWorker::HandleSync(const kafka::InMessage& message) {
  auto doc = envelope::DecodeChunkedEvent(message.value);
  if (!doc) return doc.error();
  auto table_bytes = store_.Get(doc->chunks_ref);
  if (!table_bytes) return table_bytes.error();
  auto table = envelope::DecodeChunkTable(*table_bytes);
  if (!table) return table.error();
  if (table->chunks.size() != doc->chunk_count) {
    return Error::DeadLetter("chunk table " + doc->chunks_ref + " has " +
                             std::to_string(table->chunks.size()) + " chunks, message says " +
                             std::to_string(doc->chunk_count));
  }

  envelope::TaskLedger ledger;
  ledger.doc_id = doc->doc_id;
  const auto tasks = PlanTasks(*doc, ledger.notes);
  for (const auto& t : tasks) ledger.task_ids.push_back(t.task_id);

  kafka::Outputs out;
  for (const auto& chunk : table->chunks) {
    for (std::size_t i = 0; i < tasks.size(); i += options_.questions_per_call) {
      envelope::RelevanceRequest req;
      const auto end = std::min(tasks.size(), i + options_.questions_per_call);
      req.tasks.assign(tasks.begin() + static_cast<long>(i),
                       tasks.begin() + static_cast<long>(end));
      req.chunk = chunk;
      req.chunk_count = doc->chunk_count;
      out.push_back({kafka::kRelevanceRequests, doc->doc_id + ":" + std::to_string(chunk.index),
                     envelope::Encode(req)});
    }
  }
  // The ledger tells observers (run, tests) which tasks must each reach an end.
  out.push_back({kafka::kTasks, doc->doc_id, envelope::Encode(ledger)});
  return out;
}

}  // namespace longforge::workers
