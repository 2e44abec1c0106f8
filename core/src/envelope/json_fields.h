#pragma once
// Private to the envelope area: nlohmann (de)serialisers for the message structs.

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "longforge/envelope/messages.h"

namespace longforge::envelope {

using nlohmann::json;

void to_json(json& j, const SuppliedQuestion& m);
void from_json(const json& j, SuppliedQuestion& m);
void to_json(json& j, const ChunkRef& m);
void from_json(const json& j, ChunkRef& m);
void to_json(json& j, const MemoryItem& m);
void from_json(const json& j, MemoryItem& m);
void to_json(json& j, const Task& m);
void from_json(const json& j, Task& m);
void to_json(json& j, const LlmUsage& m);
void from_json(const json& j, LlmUsage& m);
void to_json(json& j, const EvidenceSpan& m);
void from_json(const json& j, EvidenceSpan& m);
void to_json(json& j, const AnswerRecord& m);
void from_json(const json& j, AnswerRecord& m);

// Thrown by Required/Optional and caught by the decoders, which turn it into a
// dead-letter value: nlohmann's own type errors do not say which field was wrong.
struct FieldError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads a required field; a missing or mistyped one throws FieldError naming it.
template <typename T>
void Required(const json& j, const char* key, T& out) {
  const auto it = j.find(key);
  if (it == j.end()) throw FieldError(std::string("field \"") + key + "\" is missing");
  try {
    it->get_to(out);
  } catch (const json::exception& e) {
    throw FieldError(std::string("field \"") + key + "\": " + e.what());
  }
}

// Reads an optional field: absent or null leaves `out` unchanged.
template <typename T>
void Optional(const json& j, const char* key, T& out) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  try {
    it->get_to(out);
  } catch (const json::exception& e) {
    throw FieldError(std::string("field \"") + key + "\": " + e.what());
  }
}

// Reads a required string field that must name one value of an enum (`parse` is its
// Parse function, e.g. ParseDecision); any other string throws FieldError naming the
// field and the value, so a message from a newer or broken producer is dead-lettered
// instead of being read as some default.
template <typename E>
void RequiredEnum(const json& j, const char* key, E& out,
                  std::optional<E> (*parse)(std::string_view)) {
  std::string text;
  Required(j, key, text);
  const std::optional<E> value = parse(text);
  if (!value) {
    throw FieldError(std::string("field \"") + key + "\": unknown value \"" + text + "\"");
  }
  out = *value;
}

// As RequiredEnum, but absent or null leaves `out` unchanged.
template <typename E>
void OptionalEnum(const json& j, const char* key, E& out,
                  std::optional<E> (*parse)(std::string_view)) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  RequiredEnum(j, key, out, parse);
}

}  // namespace longforge::envelope
