#pragma once
// Private to the envelope area: nlohmann (de)serialisers for the message structs.

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

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

}  // namespace longforge::envelope
