#include "answer_worker.h"

#include <memory>

#include "longforge/kafka/topics.h"

namespace longforge::workers {

std::vector<std::string> AnswerOptions::Validate() const {
  std::vector<std::string> problems;
  if (gather_timeout.count() < 1) problems.emplace_back("--gather-timeout must be >= 1 s");
  return problems;
}

AnswerWorker::AnswerWorker(AnswerOptions options, AnswerBackend& backend)
    : options_(std::move(options)), backend_(backend) {}

void AnswerWorker::Handle(const kafka::InMessage& message, kafka::Done done) {
  auto result = envelope::DecodeRelevanceResult(message.value);
  if (!result) return done(result.error());
  if (result->chunk_count == 0 || result->chunk.index >= result->chunk_count) {
    return done(Error::DeadLetter("relevance result: chunk index " +
                                  std::to_string(result->chunk.index) + " outside chunk_count " +
                                  std::to_string(result->chunk_count)));
  }
  auto complete =
      gatherer_.Add(std::move(result.value()), std::move(done), std::chrono::steady_clock::now());
  if (complete) Complete(std::move(*complete));
}

void AnswerWorker::Tick() {
  for (auto& task :
       gatherer_.TakeExpired(std::chrono::steady_clock::now(), options_.gather_timeout)) {
    Complete(std::move(task));
  }
}

void AnswerWorker::Complete(GatheredTask g) {
  auto record = std::make_shared<envelope::AnswerRecord>();
  record->task = g.task;
  record->chunks_total = g.chunk_count;
  std::vector<std::string> evidence;
  std::string judge_backend;
  for (auto& [index, r] : g.results) {
    record->usage.calls += r.usage.calls;
    record->usage.prompt_tokens += r.usage.prompt_tokens;
    record->usage.completion_tokens += r.usage.completion_tokens;
    record->usage.cache_hits += r.usage.cache_hits;
    if (judge_backend.empty()) judge_backend = r.backend;
    if (r.verdict == "failed") ++record->chunks_lost;
    if (r.verdict != "relevant") continue;
    ++record->chunks_relevant;
    record->evidence.push_back({r.chunk.begin, r.chunk.end});
    for (auto& q : r.quotes) {
      evidence.push_back(q);
      record->quotes.push_back(std::move(q));
    }
  }
  record->chunks_lost += g.chunk_count - static_cast<uint32_t>(g.results.size());
  record->backend = judge_backend == backend_.Name() || judge_backend.empty()
                        ? backend_.Name()
                        : "relevance: " + judge_backend + "; answer: " + backend_.Name();
  auto dones = std::make_shared<std::vector<kafka::Done>>(std::move(g.dones));
  backend_.Answer(g.task, std::move(evidence),
                  [record, dones](Result<std::string> answer, envelope::LlmUsage usage) {
                    if (!answer) {
                      // Backends retry transient failures themselves; what is left is
                      // final. The first message carries it to lf.dlq (a retry would
                      // find the task finished and drop it).
                      (*dones)[0](Error::DeadLetter("answer backend: " + answer.error().message));
                    } else {
                      record->answer = std::move(answer.value());
                      record->usage.calls += usage.calls;
                      record->usage.prompt_tokens += usage.prompt_tokens;
                      record->usage.completion_tokens += usage.completion_tokens;
                      record->usage.cache_hits += usage.cache_hits;
                      (*dones)[0](kafka::Outputs{
                          {kafka::kAnswers, record->task.task_id, envelope::Encode(*record)}});
                    }
                    for (std::size_t i = 1; i < dones->size(); ++i) (*dones)[i](kafka::Outputs{});
                  });
}

}  // namespace longforge::workers
