#pragma once
// answer: lf.relevance.results → lf.answers. Gathers every chunk's result of a
// task, picks the evidence, asks the backend for the answer and emits the record.

#include <chrono>

#include "answer_backend.h"
#include "longforge/kafka/handler.h"
#include "task_gatherer.h"

namespace longforge::workers {

struct AnswerOptions {
  // --gather-timeout: a task still missing chunk results after this long is answered
  // from what it has, the missing chunks counted as lost. Default 600 s.
  std::chrono::seconds gather_timeout{600};

  std::vector<std::string> Validate() const;
};

class AnswerWorker final : public kafka::Handler {
 public:
  AnswerWorker(AnswerOptions options, AnswerBackend& backend);
  void Handle(const kafka::InMessage& message, kafka::Done done) override;
  void Tick() override;

 private:
  void Complete(GatheredTask task);
  AnswerOptions options_;
  AnswerBackend& backend_;
  TaskGatherer gatherer_;
};

}  // namespace longforge::workers
