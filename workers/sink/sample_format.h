#pragma once
// How a sample is written for trainers, one JSON line each, with a `meta` object for
// people and tools:
// - messages: OpenAI chat JSONL {"messages": [user, assistant]} (ms-swift,
//   LLaMA-Factory, TRL);
// - sharegpt: {"conversations": [{"from": "human"}, {"from": "gpt"}]};
// - alpaca: {"instruction": question, "input": context, "output": answer};
// - rl-verl: a verl RL dataset row {"data_source", "prompt": [user], "ability",
//   "reward_model": {"style", "ground_truth"}, "extra_info": meta and more}; no `meta`,
//   verl hands `extra_info` to the reward function;
// - rl-swift: ms-swift GRPO {"messages": [user, assistant], "solution"}: swift passes
//   extra columns such as `solution` to the reward functions (and drops the assistant
//   turn when sampling), so the same file also trains by SFT.
// The RL formats' ground truth is the task's reference; a task without one (supplied
// questions without an answer) takes the accepted answer, and says so in
// `reference_source` ("reference" or "answer").

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "longforge/envelope/messages.h"

namespace longforge::workers {

enum class SampleFormat { kMessages, kShareGpt, kAlpaca, kRlVerl, kRlSwift };

// A context window cut from the document (`--context window`), for the record's meta.
struct WindowPlacement {
  uint64_t begin = 0, end = 0;  // bytes of the document
  uint64_t tokens = 0;          // of the window: the requested size
  uint64_t evidence_tokens = 0, tokens_before = 0;
  double depth = 0;           // requested
  double evidence_depth = 0;  // tokens_before / (tokens - evidence_tokens)
};

// What the sink knows about a record's context beyond the sample, written into its meta:
// `doc_bytes` and `evidence_position` (each evidence span's start over doc_bytes) when the
// document's size is known, `record_id` and `window` for a window, `length_bucket`.
struct ContextInfo {
  uint64_t doc_bytes = 0;  // 0: unknown, not written
  std::string record_id;   // empty: one record per sample, its sample id
  std::optional<WindowPlacement> window;
  std::string length_bucket;  // "32k"; empty: no --length-buckets
};

// The key a sink file knows a record by: meta.record_id when the line has one (one of a
// sample's several windows), else meta.sample_id. Null when neither is a string.
const nlohmann::json* RecordKey(const nlohmann::json& meta);

// "messages" | "sharegpt" | "alpaca" | "rl-verl" | "rl-swift".
const char* SampleFormatName(SampleFormat format);

// The format named `name` (as SampleFormatName writes it); nullopt for any other.
std::optional<SampleFormat> ParseSampleFormat(std::string_view name);

// The format of a dataset.jsonl line, by the fields only it has; nullopt when it has no
// format's shape. Looks at the top-level keys only, not at their values.
std::optional<SampleFormat> DetectSampleFormat(const nlohmann::json& line);

// The object a sink line keeps its meta in: `meta`, or `extra_info` in rl-verl lines.
// Null when the line has neither, or it is not an object.
const nlohmann::json* RecordMeta(const nlohmann::json& line);

// An accepted sample: `context` (the whole document, or its evidence) then the question
// as the prompt, the answer as the reply. No newline at the end.
std::string RenderAccepted(const envelope::SampleRecord& sample, SampleFormat format,
                           const std::string& context, const ContextInfo& info = {});

// `text` as Dump writes a JSON string, without the quotes. Writing the same context
// for many samples (every question of a document), a caller escapes it once.
std::string EscapeJsonString(const std::string& text);

// RenderAccepted with the context already escaped by EscapeJsonString: the same bytes,
// without escaping a 3 MB document again for each of its questions. `escaped_context`
// must not be empty.
std::string RenderAcceptedEscaped(const envelope::SampleRecord& sample, SampleFormat format,
                                  const std::string& escaped_context, const ContextInfo& info = {});

// A rejected or review sample for people tuning the filters: question, answer, meta
// (with the decision and reasons), no context.
std::string RenderRejected(const envelope::SampleRecord& sample, const ContextInfo& info = {});

}  // namespace longforge::workers
