// Lv3: the agent loop of the answer worker, carried entirely in the messages.

#include "longforge/common/hash.h"
#include "longforge/envelope/chunk_table.h"
#include "longforge/kafka/topics.h"
#include "longforge/llm/usage.h"
#include "workers/answer/answer_worker.h"

namespace longforge::workers {

void AnswerWorker::Finish(const Pending& p, Result<kafka::Outputs> outputs) {
  (*p.dones)[0](std::move(outputs));
  for (std::size_t i = 1; i < p.dones->size(); ++i) (*p.dones)[i](kafka::Outputs{});
}

std::vector<std::string> AnswerWorker::RootEvidence(const Pending& p, const envelope::Task& root,
                                                    std::vector<std::string> evidence) {
  if (retriever_ == nullptr) return evidence;
  // Evidence for the question itself, now that more is known: its words, every
  // sub-question and answer so far, and this hop's quotes.
  std::vector<std::string> query = p.record->quotes;
  query.push_back(root.question);
  for (const auto& m : root.memory) query.push_back(m.question + " " + m.answer);
  auto passages = retriever_->Select(root.doc_id, query);
  if (!passages) return evidence;  // keep the sub-question's evidence
  p.record->evidence.clear();
  evidence.clear();
  for (auto& passage : passages.value()) {
    p.record->evidence.push_back({passage.begin, passage.end, passage.chapter});
    evidence.push_back(std::move(passage.text));
  }
  return evidence;
}

void AnswerWorker::Hop(const Pending& p, std::vector<std::string> evidence) {
  const envelope::Task& task = p.record->task;
  if (task.parent_task_id.empty()) return NextStep(p, task, std::move(evidence));
  // A sub-question's results are in: answer it, remember the answer, and go back to
  // the question it serves, with evidence retrieved again for it and what is known.
  backend_.Answer(
      task, evidence, [this, p, evidence](Result<std::string> answer, envelope::LlmUsage usage) {
        if (!answer) {
          return Finish(
              p, Error::DeadLetter("answer backend (sub-question): " + answer.error().message));
        }
        llm::AddUsage(p.record->usage, usage);
        const envelope::Task& sub = p.record->task;
        envelope::Task root = sub;
        root.task_id = sub.parent_task_id;
        root.question = sub.root_question;
        root.parent_task_id.clear();
        root.root_question.clear();
        root.memory.push_back({sub.question, answer->empty() ? "(not found)" : answer.value()});
        auto root_evidence = RootEvidence(p, root, evidence);
        NextStep(p, std::move(root), std::move(root_evidence));
      });
}

void AnswerWorker::NextStep(const Pending& p, envelope::Task root,
                            std::vector<std::string> evidence) {
  const auto emit = [p](envelope::Task task, std::string answer) {
    envelope::AnswerRecord& record = *p.record;
    llm::AddUsage(record.usage, task.spent);
    task.spent = {};
    record.task = std::move(task);
    record.answer = std::move(answer);
    Finish(p, kafka::Outputs{{kafka::kAnswers, record.task.task_id, envelope::Encode(record)}});
  };
  if (static_cast<int>(root.memory.size()) >= options_.hop_limit) {
    // Out of hops: answer from the evidence and everything found so far.
    for (const auto& m : root.memory) evidence.push_back(m.question + " " + m.answer);
    backend_.Answer(
        root, evidence, [p, root, emit](Result<std::string> answer, envelope::LlmUsage usage) {
          if (!answer) {
            return Finish(p, Error::DeadLetter("answer backend: " + answer.error().message));
          }
          llm::AddUsage(p.record->usage, usage);
          emit(root, std::move(answer.value()));
        });
    return;
  }
  planner_->Plan(root.question, root.memory, evidence,
                 [this, p, root, emit](Result<PlanStep> step) {
                   if (!step) {
                     return Finish(p, Error::DeadLetter("planner: " + step.error().message));
                   }
                   llm::AddUsage(p.record->usage, step->usage);
                   if (step->answer) return emit(root, std::move(step->text));
                   FanOut(p, root, step->text);
                 });
}

void AnswerWorker::FanOut(const Pending& p, const envelope::Task& root,
                          const std::string& sub_question) {
  auto table_bytes = store_->Get(root.chunks_ref);
  if (!table_bytes)
    return Finish(p, Error::DeadLetter("Lv3 fan-out: " + table_bytes.error().message));
  auto table = envelope::DecodeChunkTable(*table_bytes);
  if (!table) return Finish(p, Error::DeadLetter("Lv3 fan-out: " + table.error().message));
  envelope::Task sub = root;
  sub.task_id =
      Hash128Hex(root.task_id + "/hop" + std::to_string(root.memory.size()) + "/" + sub_question);
  sub.question = sub_question;
  sub.parent_task_id = root.task_id;
  sub.root_question = root.question;
  sub.spent = root.spent;
  llm::AddUsage(sub.spent, p.record->usage);  // this hop's relevance, answer and plan calls
  // The questioner's gate reads it over every chunk, within its byte bound.
  Finish(p, kafka::Outputs{
                {kafka::kSubquestions, sub.doc_id, envelope::Encode(envelope::SubQuestion{sub})}});
}

}  // namespace longforge::workers
