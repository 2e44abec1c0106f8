#pragma once
// What the relevance worker asks of a backend: for one chunk and one or more
// questions, "none" or the chunk's sentences that help answer each question.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/envelope/messages.h"

namespace longforge::workers {

struct Judgement {
  envelope::RelevanceVerdict verdict = envelope::RelevanceVerdict::kNone;  // never kUnjudged
  std::vector<std::string> quotes;
  uint32_t dropped_quotes = 0;  // quotes that did not occur in the chunk
  std::string error;            // why, for kFailed
  // For kFailed: kRetry when the call may succeed later (server down, timeouts,
  // 5xx after the client's own retries), kDeadLetter when this chunk never will,
  // kStop when no call can (rejected credentials).
  Disposition failure = Disposition::kDeadLetter;
  uint32_t repaired_quotes = 0;  // kept quotes that matched only by alignment
};

class RelevanceJudge {
 public:
  using Callback = std::function<void(std::vector<Judgement> per_question, envelope::LlmUsage)>;
  virtual ~RelevanceJudge() = default;
  // Label written into every record this backend produces.
  virtual std::string Name() const = 0;
  // Calls `done` exactly once, possibly from another thread, with one Judgement per
  // question in order. Thread-safe.
  virtual void Judge(std::string chunk, std::vector<std::string> questions, Callback done) = 0;
};

}  // namespace longforge::workers
