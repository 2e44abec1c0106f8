#pragma once
// How a sample is written for trainers: OpenAI chat "messages" JSONL (read by
// ms-swift, LLaMA-Factory and TRL), with a `meta` object for people and tools.

#include <string>

#include "longforge/envelope/messages.h"

namespace longforge::workers {

// One JSON line (without newline). With `full_context`, the user turn is the whole
// document followed by the question; otherwise the evidence quotes and the question.
std::string RenderMessagesRecord(const envelope::SampleRecord& sample, bool accepted,
                                 bool full_context, const std::string& document);

}  // namespace longforge::workers
