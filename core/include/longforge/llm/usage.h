#pragma once
// What one chat response cost, in the units records carry.

#include "longforge/envelope/messages.h"
#include "longforge/llm/chat.h"

namespace longforge::llm {

// One call: its prompt and completion tokens, and whether the cache answered it.
envelope::LlmUsage UsageOf(const ChatResponse& response);

// Adds `more` to `into`, field by field.
void AddUsage(envelope::LlmUsage& into, const envelope::LlmUsage& more);

}  // namespace longforge::llm
