#pragma once
// Every token budget in longforge (reading chunks, retrieval chunks, evidence) goes
// through this interface, so an exact tokenizer and the estimator are interchangeable.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "longforge/common/error.h"

namespace longforge::text {

class TokenCounter {
 public:
  virtual ~TokenCounter() = default;
  // Number of tokens in `text` (UTF-8; invalid bytes are counted as U+FFFD would be).
  // Thread-safe: one instance is shared by all threads of a worker.
  virtual std::size_t Count(std::string_view text) const = 0;
  // Human-readable name for logs and summaries, e.g. "estimate" or "qwen3 tokenizer.json".
  virtual std::string Name() const = 0;
};

// Conservative estimator (never knowingly under-counts for English or Chinese): one
// token per non-ASCII code point, and one per three ASCII bytes of each ASCII run.
std::unique_ptr<TokenCounter> MakeEstimator();

// Loads an exact byte-level BPE tokenizer: a Hugging Face tokenizer.json or a
// tiktoken rank file (*.tiktoken). An empty path gives the estimator.
Result<std::unique_ptr<TokenCounter>> LoadTokenCounter(const std::string& path);

}  // namespace longforge::text
