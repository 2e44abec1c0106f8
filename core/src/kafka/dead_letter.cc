#include "longforge/kafka/dead_letter.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "longforge/common/time.h"
#include "longforge/common/utf8.h"

namespace longforge::kafka {

std::string EncodeDeadLetter(const std::string& worker, const InMessage& message,
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
      {"worker", worker},
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

}  // namespace longforge::kafka
