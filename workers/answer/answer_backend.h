#pragma once
// What the answer worker asks of a backend: an answer to a question from evidence.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/envelope/messages.h"

namespace longforge::workers {

class AnswerBackend {
 public:
  using Callback = std::function<void(Result<std::string> answer, envelope::LlmUsage usage)>;
  virtual ~AnswerBackend() = default;
  virtual std::string Name() const = 0;
  // `evidence` is in document order. Calls `done` exactly once, maybe from another
  // thread. Thread-safe.
  virtual void Answer(const envelope::Task& task, std::vector<std::string> evidence,
                      Callback done) = 0;
};

// The extractive baseline (no LLM): the evidence sentence sharing the most content
// words with the question, or an empty answer when there is no evidence.
std::unique_ptr<AnswerBackend> MakeExtractiveAnswerBackend();

}  // namespace longforge::workers
