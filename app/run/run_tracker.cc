#include "run/run_tracker.h"

#include "longforge/envelope/subject.h"
#include "longforge/kafka/topics.h"

namespace longforge::app {

void RunTracker::Submitted(const std::string& doc_id) {
  std::lock_guard lock(mu_);
  if (docs_.try_emplace(doc_id).second) ++summary_.documents;
}

void RunTracker::MaybeEnd(const std::string& /*doc_id*/, Doc& doc) {
  if (doc.ended || !doc.ledger || !doc.open_tasks.empty()) return;
  doc.ended = true;
  ++summary_.documents_ended;
  cv_.notify_all();
}

void RunTracker::Ledger(const envelope::TaskLedger& ledger) {
  std::lock_guard lock(mu_);
  const auto it = docs_.find(ledger.doc_id);
  if (it == docs_.end() || it->second.ledger) return;  // not ours, or a redelivery
  Doc& doc = it->second;
  doc.ledger = true;
  summary_.tasks += ledger.task_ids.size();
  for (const auto& note : ledger.notes) summary_.notes.push_back(ledger.doc_id + ": " + note);
  for (const auto& t : ledger.task_ids) {
    if (!ended_tasks_.contains(t)) doc.open_tasks.insert(t);
  }
  MaybeEnd(ledger.doc_id, doc);
}

void RunTracker::EndTask(const std::string& doc_id, const std::string& task_id) {
  if (!ended_tasks_.insert(task_id).second) return;
  ++summary_.tasks_ended;
  const auto it = docs_.find(doc_id);
  if (it == docs_.end()) return;
  it->second.open_tasks.erase(task_id);
  MaybeEnd(doc_id, it->second);
}

bool RunTracker::Recorded(const envelope::SampleRecord& sample) {
  std::lock_guard lock(mu_);
  const auto& task = sample.record.task;
  if (ended_tasks_.contains(task.task_id) || !docs_.contains(task.doc_id)) return false;
  const envelope::Decision d = sample.verdict.decision;
  switch (d) {
    case envelope::Decision::kAccept:
      ++summary_.accepted;
      break;
    case envelope::Decision::kReview:
      ++summary_.review;
      break;
    case envelope::Decision::kReject:
      ++summary_.rejected;
      for (const auto& r : sample.verdict.reasons) ++summary_.rejected_by_reason[r];
      break;
  }
  summary_.llm_calls += sample.record.usage.calls;
  summary_.prompt_tokens += sample.record.usage.prompt_tokens;
  summary_.completion_tokens += sample.record.usage.completion_tokens;
  summary_.cache_hits += sample.record.usage.cache_hits;
  const auto& r = sample.record;
  summary_.reading.Add(r.chunks_total, r.chunks_lost, r.chunks_failed, r.chunks_malformed);
  SampleStat stat;
  stat.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  stat.decision = d;
  stat.question_bytes = task.question.size();
  stat.answer_bytes = sample.record.answer.size();
  for (const auto& e : sample.record.evidence) stat.evidence_bytes += e.end - e.begin;
  stat.type = task.type;
  stat.difficulty = envelope::Difficulty(task);
  stat.level = task.level;
  stat.prompt_tokens = sample.record.usage.prompt_tokens;
  stat.closed_book_checked = sample.verdict.closed_book_answer.has_value();
  for (const auto& reason : sample.verdict.reasons) {
    stat.answerable = stat.answerable || reason == "answerable_without_document";
  }
  summary_.samples.push_back(std::move(stat));
  EndTask(task.doc_id, task.task_id);
  return true;
}

bool RunTracker::DeadLettered(const kafka::DeadLetter& record) {
  std::lock_guard lock(mu_);
  ++summary_.dlq_records;
  const std::string& topic = record.message.topic;
  const auto subject = envelope::DecodeSubject(record.message.value);
  const bool document =
      topic == kafka::kDocuments || topic == kafka::kChunked || topic == kafka::kMapped;
  if (!subject || (!document && subject->task_id.empty())) {
    summary_.notes.push_back("dead-lettered message from " + topic + " (" +
                             (subject ? "no task" : subject.error().message) +
                             "): " + record.reason);
    return true;
  }
  if (!docs_.contains(subject->doc_id)) return false;
  if (document) {
    const auto it = docs_.find(subject->doc_id);
    if (it->second.ended) return true;
    it->second.ended = true;
    ++summary_.documents_ended;
    ++summary_.documents_dead_lettered;
    summary_.notes.push_back("document " + subject->doc_id + " dead-lettered: " + record.reason);
    cv_.notify_all();
    return true;
  }
  // A Lv3 sub-question's failure ends the question it serves.
  const std::string& id =
      subject->parent_task_id.empty() ? subject->task_id : subject->parent_task_id;
  if (!ended_tasks_.contains(id)) ++summary_.tasks_dead_lettered;
  EndTask(subject->doc_id, id);
  return true;
}

bool RunTracker::AllEnded() const {
  std::lock_guard lock(mu_);
  return summary_.documents_ended == summary_.documents;
}

std::size_t RunTracker::OpenDocuments() const {
  std::lock_guard lock(mu_);
  return summary_.documents - summary_.documents_ended;
}

void RunTracker::WaitForRoom(std::size_t limit, const std::atomic<bool>& stop) {
  std::unique_lock lock(mu_);
  while (!stop && summary_.documents - summary_.documents_ended >= limit) {
    cv_.wait_for(lock, std::chrono::milliseconds(100));
  }
}

RunSummary RunTracker::Summary() const {
  std::lock_guard lock(mu_);
  return summary_;
}

}  // namespace longforge::app
