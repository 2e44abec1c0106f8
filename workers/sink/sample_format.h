#pragma once
// How a sample is written for trainers, one JSON line each, with a `meta` object for
// people and tools:
// - messages: OpenAI chat JSONL {"messages": [user, assistant]} (ms-swift,
//   LLaMA-Factory, TRL);
// - sharegpt: {"conversations": [{"from": "human"}, {"from": "gpt"}]};
// - alpaca: {"instruction": question, "input": context, "output": answer}.

#include <string>

#include "longforge/envelope/messages.h"

namespace longforge::workers {

enum class SampleFormat { kMessages, kShareGpt, kAlpaca };

// "messages" | "sharegpt" | "alpaca".
const char* SampleFormatName(SampleFormat format);

// An accepted sample: `context` (the whole document, or its evidence) then the question
// as the prompt, the answer as the reply. No newline at the end.
std::string RenderAccepted(const envelope::SampleRecord& sample, SampleFormat format,
                           const std::string& context);

// A rejected or review sample for people tuning the filters: question, answer, meta
// (with the decision and reasons), no context.
std::string RenderRejected(const envelope::SampleRecord& sample);

}  // namespace longforge::workers
