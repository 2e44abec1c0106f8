#include "longforge/llm/usage.h"

#include <algorithm>

namespace longforge::llm {

envelope::LlmUsage UsageOf(const ChatResponse& response) {
  envelope::LlmUsage u;
  u.calls = 1;
  u.prompt_tokens = static_cast<uint64_t>(std::max(response.prompt_tokens, 0));
  u.completion_tokens = static_cast<uint64_t>(std::max(response.completion_tokens, 0));
  u.cache_hits = response.from_cache ? 1 : 0;
  return u;
}

void AddUsage(envelope::LlmUsage& into, const envelope::LlmUsage& more) {
  into.calls += more.calls;
  into.prompt_tokens += more.prompt_tokens;
  into.completion_tokens += more.completion_tokens;
  into.cache_hits += more.cache_hits;
}

}  // namespace longforge::llm
