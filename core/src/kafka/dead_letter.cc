#include "longforge/kafka/dead_letter.h"

#include <chrono>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "longforge/common/time.h"
#include "longforge/common/utf8.h"

namespace longforge::kafka {
namespace {

using nlohmann::json;

// Reads the fields of one JSON object, keeping the first problem instead of throwing:
// a field that is missing or of the wrong type reads as empty and names itself in
// problem().
class FieldReader {
 public:
  explicit FieldReader(const json& j) : j_(j) {}

  std::string String(const char* key) {
    const json* v = Find(key, "a string", [](const json& x) { return x.is_string(); });
    return v ? v->get<std::string>() : std::string();
  }
  // An integer in [min, max].
  int64_t Integer(const char* key, int64_t min, int64_t max) {
    const json* v = Find(key, "an integer", [](const json& x) { return x.is_number_integer(); });
    if (v == nullptr) return 0;
    // Unsigned values above int64's range would wrap in get<int64_t>.
    const bool huge =
        v->is_number_unsigned() &&
        v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    const int64_t n = huge ? 0 : v->get<int64_t>();
    if (huge || n < min || n > max) {
      Fail(key, "out of range");
      return 0;
    }
    return n;
  }
  uint64_t Unsigned(const char* key) {
    const json* v =
        Find(key, "a non-negative integer", [](const json& x) { return x.is_number_unsigned(); });
    return v ? v->get<uint64_t>() : 0;
  }
  bool Bool(const char* key) {
    const json* v = Find(key, "a boolean", [](const json& x) { return x.is_boolean(); });
    return v ? v->get<bool>() : false;
  }
  bool Has(const char* key) const { return j_.contains(key); }
  // Empty while every field read so far was fine.
  const std::string& problem() const { return problem_; }

  void Fail(const char* key, const std::string& what) {
    if (problem_.empty()) problem_ = std::string("field \"") + key + "\" is " + what;
  }

 private:
  template <typename Is>
  const json* Find(const char* key, const char* type, Is is) {
    const auto it = j_.find(key);
    if (it == j_.end()) {
      Fail(key, "missing");
      return nullptr;
    }
    if (!is(*it)) {
      Fail(key, std::string("not ") + type);
      return nullptr;
    }
    return &*it;
  }

  const json& j_;
  std::string problem_;
};

// `text` as bytes: itself, or base64-decoded; nullopt when the base64 is malformed.
std::optional<std::string> Bytes(const std::string& text, bool base64) {
  if (!base64) return text;
  return Base64Decode(text);
}

}  // namespace

std::string EncodeDeadLetter(PipelineStage stage, const InMessage& message,
                             const std::string& reason) {
  const bool truncated = message.value.size() > kMaxDeadLetterPayload;
  std::string_view payload(message.value);
  if (truncated) {
    // Cut at a character boundary so that text stays text.
    payload = payload.substr(0, CodePointPrefix(payload, kMaxDeadLetterPayload));
  }
  const bool utf8 = !FindInvalidUtf8(payload).has_value();
  nlohmann::json j = {
      {"schema", "lf.dlq/v1"},
      {"worker", StageName(stage)},
      {"topic", message.topic},
      {"partition", message.partition},
      {"offset", message.offset},
      {"reason", reason},
      {"payload_encoding", utf8 ? "utf8" : "base64"},
      {"payload", utf8 ? std::string(payload) : Base64Encode(payload)},
      {"payload_bytes", message.value.size()},
      {"truncated", truncated},
      {"at", NowIso8601()},
  };
  if (FindInvalidUtf8(message.key)) {
    j["key_base64"] = Base64Encode(message.key);
  } else {
    j["key"] = message.key;
  }
  // The reason may quote raw input (a server's reply, an exception text): replace
  // invalid bytes rather than fail to write the record of last resort.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<DeadLetter> DecodeDeadLetter(std::string_view bytes) {
  const json j = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error::DeadLetter("lf.dlq/v1: not valid JSON");
  if (!j.is_object()) return Error::DeadLetter("lf.dlq/v1: not a JSON object");
  FieldReader r(j);
  if (const std::string schema = r.String("schema"); r.problem().empty() && schema != "lf.dlq/v1") {
    return Error::DeadLetter("expected schema lf.dlq/v1, got \"" + schema + "\"");
  }
  DeadLetter d;
  const std::string worker = r.String("worker");
  if (const auto stage = ParsePipelineStage(worker)) {
    d.stage = *stage;
  } else if (r.problem().empty()) {
    r.Fail("worker", "not a pipeline stage (\"" + worker + "\")");
  }
  d.message.topic = r.String("topic");
  d.message.partition =
      static_cast<int32_t>(r.Integer("partition", -1, std::numeric_limits<int32_t>::max()));
  d.message.offset =
      r.Integer("offset", std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
  d.reason = r.String("reason");
  d.payload_bytes = r.Unsigned("payload_bytes");
  d.truncated = r.Bool("truncated");
  d.at = r.String("at");
  const bool key_base64 = !r.Has("key") && r.Has("key_base64");
  const auto key = Bytes(r.String(key_base64 ? "key_base64" : "key"), key_base64);
  if (!key) r.Fail("key_base64", "not base64");
  const std::string encoding = r.String("payload_encoding");
  if (r.problem().empty() && encoding != "utf8" && encoding != "base64") {
    r.Fail("payload_encoding", "neither \"utf8\" nor \"base64\"");
  }
  const auto payload = Bytes(r.String("payload"), encoding == "base64");
  if (!payload) r.Fail("payload", "not base64");
  if (!r.problem().empty()) return Error::DeadLetter("lf.dlq/v1: " + r.problem());
  d.message.key = *key;
  d.message.value = *payload;
  return d;
}

}  // namespace longforge::kafka
