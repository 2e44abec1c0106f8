#pragma once
// One line of a sink file read back: the question, the answer, the context the prompt
// carried and the meta object, whatever the file's format (workers/sink/sample_format.h).
// accepted lines: messages, sharegpt, alpaca, rl-verl, rl-swift; rejected.jsonl lines:
// {question, answer, meta}.

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "longforge/common/error.h"
#include "workers/sink/sink_stage.h"

namespace longforge::review {

struct SampleLine {
  // Which format the line has; nullopt for a rejected.jsonl record.
  std::optional<workers::SampleFormat> format;
  std::string_view question, answer;  // views into the parser's buffer
  // The prompt before the question, as the sink wrote it (the whole document, the
  // evidence passages or the quotes); empty for rejected records and no-context prompts.
  std::string_view context;
  simdjson::dom::object meta;
};

// Where the question starts in a prompt `context + "\n\n" + question`: the context's
// length is one of `candidates` (the document's size, the joined evidence's, the joined
// quotes'), tried in order; else the prompt's last blank line; else 0 (all question).
std::size_t QuestionStart(std::string_view prompt, std::initializer_list<uint64_t> candidates);

// Reads a sink line. `document_bytes` is the size of the sample's document when known
// (0 if not): it tells a full-context prompt from an evidence one. The views live as
// long as `parser` does not parse again. Error (kDeadLetter) says what is missing.
Result<SampleLine> ParseSampleLine(
    simdjson::dom::parser& parser, std::string_view line,
    const std::function<uint64_t(std::string_view doc_id)>& document_bytes);

// A meta field as a string ("" when absent or not a string).
std::string_view MetaString(const simdjson::dom::object& meta, std::string_view key);
// A meta field as a number (0 when absent or not a number).
uint64_t MetaUint(const simdjson::dom::object& meta, std::string_view key);

}  // namespace longforge::review
