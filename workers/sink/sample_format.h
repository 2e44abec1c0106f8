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

// `text` as Dump writes a JSON string, without the quotes. Writing the same context
// for many samples (every question of a document), a caller escapes it once.
std::string EscapeJsonString(const std::string& text);

// RenderAccepted with the context already escaped by EscapeJsonString: the same bytes,
// without escaping a 3 MB document again for each of its questions. `escaped_context`
// must not be empty.
std::string RenderAcceptedEscaped(const envelope::SampleRecord& sample, SampleFormat format,
                                  const std::string& escaped_context);

// A rejected or review sample for people tuning the filters: question, answer, meta
// (with the decision and reasons), no context.
std::string RenderRejected(const envelope::SampleRecord& sample);

}  // namespace longforge::workers
