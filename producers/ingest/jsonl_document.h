#pragma once
// One JSONL input line read as a document:
//   {"id"?: string|integer, "title"?: string, "text": string,
//    "questions"?: [{"question": string, "answer"?: string}]}

#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/envelope/messages.h"

namespace longforge::producers {

struct JsonlDocument {
  std::string id;  // "" when none was given
  std::string title;
  std::string text;  // as written: PrepareDocument checks it
  std::vector<envelope::SuppliedQuestion> questions;
  // Keys the format does not have, each named ("unknown key \"txt\" ignored ..."): most
  // are typos whose value would otherwise be lost without a word.
  std::vector<std::string> warnings;
};

// The document of one line, or a kDeadLetter error saying why the line is not one: not
// UTF-8 (with the byte offset in the line), not JSON (simdjson's reason), not an object, a
// key given twice, a missing or mistyped field (naming it and the type found), an
// empty question. Messages do not name the file; the caller adds "file:line". Thread-safe.
Result<JsonlDocument> ParseJsonlDocument(const std::string& line);

// Reads one line of `in` into `line`, without its '\n'. A line of more than `max_bytes` is
// read to its end but not kept: `line` is left empty and `too_long` set, so one huge line
// never holds more than `max_bytes` of memory. False at the end of the input.
bool ReadBoundedLine(std::istream& in, std::string& line, std::size_t max_bytes, bool& too_long);

}  // namespace longforge::producers
