#include "review/sample_line.h"

#include <nlohmann/json.hpp>

namespace longforge::review {

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

Result<std::string_view> StringAt(element value, const std::string& what) {
  std::string_view out;
  if (value.get_string().get(out) != simdjson::SUCCESS) {
    return Error::DeadLetter(what + " is not a string");
  }
  return out;
}

Result<std::string_view> Field(object obj, std::string_view key, const std::string& what) {
  element value;
  if (obj[key].get(value) != simdjson::SUCCESS) return Error::DeadLetter("no " + what);
  return StringAt(value, what);
}

// array[index][key] as a string: a chat turn's text.
Result<std::string_view> Turn(object obj, std::string_view array, std::size_t index,
                              std::string_view key) {
  const std::string what =
      std::string(array) + "[" + std::to_string(index) + "]." + std::string(key);
  simdjson::dom::array turns;
  element turn;
  if (obj[array].get_array().get(turns) != simdjson::SUCCESS ||
      turns.at(index).get(turn) != simdjson::SUCCESS) {
    return Error::DeadLetter("no " + what);
  }
  object turn_object;
  if (turn.get_object().get(turn_object) != simdjson::SUCCESS) {
    return Error::DeadLetter(what + ": the turn is not an object");
  }
  return Field(turn_object, key, what);
}

// Bytes of the context the sink builds from evidence (passages joined by blank lines)
// or, without evidence, from quotes (joined by newlines).
uint64_t EvidenceContextBytes(object meta) {
  uint64_t bytes = 0, parts = 0;
  simdjson::dom::array spans;
  if (meta["evidence"].get_array().get(spans) == simdjson::SUCCESS) {
    for (element span : spans) {
      uint64_t begin = 0, end = 0;
      if (span.at(0).get_uint64().get(begin) == simdjson::SUCCESS &&
          span.at(1).get_uint64().get(end) == simdjson::SUCCESS && end >= begin) {
        bytes += end - begin;
        ++parts;
      }
    }
    if (parts > 0) return bytes + 2 * (parts - 1);
  }
  simdjson::dom::array quotes;
  if (meta["quotes"].get_array().get(quotes) == simdjson::SUCCESS) {
    for (element quote : quotes) {
      std::string_view text;
      if (quote.get_string().get(text) == simdjson::SUCCESS) {
        bytes += text.size();
        ++parts;
      }
    }
  }
  return parts > 0 ? bytes + parts - 1 : 0;
}

}  // namespace

std::size_t QuestionStart(std::string_view prompt, std::initializer_list<uint64_t> candidates) {
  for (const uint64_t bytes : candidates) {
    if (bytes > 0 && bytes + 2 <= prompt.size() && prompt.substr(bytes, 2) == "\n\n") {
      return bytes + 2;
    }
  }
  const auto blank = prompt.rfind("\n\n");
  return blank == std::string_view::npos ? 0 : blank + 2;
}

std::string_view MetaString(const object& meta, std::string_view key) {
  std::string_view out;
  if (meta[key].get_string().get(out) != simdjson::SUCCESS) return {};
  return out;
}

uint64_t MetaUint(const object& meta, std::string_view key) {
  uint64_t out = 0;
  if (meta[key].get_uint64().get(out) != simdjson::SUCCESS) return 0;
  return out;
}

Result<SampleLine> ParseSampleLine(
    simdjson::dom::parser& parser, std::string_view line,
    const std::function<uint64_t(std::string_view doc_id)>& document_bytes) {
  element root;
  if (const auto error = parser.parse(line.data(), line.size()).get(root);
      error != simdjson::SUCCESS) {
    return Error::DeadLetter(std::string("not JSON: ") + simdjson::error_message(error));
  }
  object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    return Error::DeadLetter("not a JSON object");
  }
  // DetectSampleFormat looks at the top-level keys only: hand it just those.
  nlohmann::json keys = nlohmann::json::object();
  for (const auto field : obj) keys[std::string(field.key)] = nullptr;
  SampleLine out;
  out.format = workers::DetectSampleFormat(keys);
  const std::string_view meta_key =
      out.format == workers::SampleFormat::kRlVerl ? "extra_info" : "meta";
  if (obj[meta_key].get_object().get(out.meta) != simdjson::SUCCESS) {
    return Error::DeadLetter("no \"" + std::string(meta_key) + "\" object");
  }
  Result<std::string_view> question = std::string_view(), answer = std::string_view(),
                           prompt = std::string_view();
  if (!out.format) {
    question = Field(obj, "question", "\"question\"");
    answer = Field(obj, "answer", "\"answer\"");
  } else {
    switch (*out.format) {
      case workers::SampleFormat::kMessages:
      case workers::SampleFormat::kRlSwift:
        prompt = Turn(obj, "messages", 0, "content");
        answer = Turn(obj, "messages", 1, "content");
        break;
      case workers::SampleFormat::kShareGpt:
        prompt = Turn(obj, "conversations", 0, "value");
        answer = Turn(obj, "conversations", 1, "value");
        break;
      case workers::SampleFormat::kAlpaca:
        question = Field(obj, "instruction", "\"instruction\"");
        answer = Field(obj, "output", "\"output\"");
        if (auto input = Field(obj, "input", "\"input\""); input) out.context = *input;
        break;
      case workers::SampleFormat::kRlVerl:
        prompt = Turn(obj, "prompt", 0, "content");
        question = Field(out.meta, "question", "\"extra_info.question\"");
        answer = Field(out.meta, "answer", "\"extra_info.answer\"");
        break;
    }
  }
  for (const auto* r : {&question, &answer, &prompt}) {
    if (!*r) return r->error();
  }
  out.question = *question;
  out.answer = *answer;
  if (!prompt->empty()) {
    if (!out.question.empty()) {
      // rl-verl knows its question: the context is what comes before it.
      const std::size_t tail = out.question.size() + 2;
      out.context = prompt->size() > tail ? prompt->substr(0, prompt->size() - tail) : "";
    } else {
      const uint64_t doc = document_bytes ? document_bytes(MetaString(out.meta, "doc_id")) : 0;
      const std::size_t start = QuestionStart(*prompt, {doc, EvidenceContextBytes(out.meta)});
      out.question = prompt->substr(start);
      out.context = prompt->substr(0, start >= 2 ? start - 2 : 0);
    }
  }
  return out;
}

}  // namespace longforge::review
