#pragma once
// lf.dlq records: the original message (bytes, topic, partition, offset, key), the
// worker that gave up on it and why. Schema: schemas/lf.dlq/v1.schema.json.

#include <cstdint>
#include <string>
#include <string_view>

#include "longforge/common/error.h"
#include "longforge/common/stage.h"
#include "longforge/kafka/handler.h"

namespace longforge::kafka {

// Payloads above this are cut (and marked truncated) so the record itself stays
// publishable; the original length is always kept.
inline constexpr std::size_t kMaxDeadLetterPayload = 256 * 1024;

// `stage` gave up on `message` for `reason`; the record names it in its "worker" field.
std::string EncodeDeadLetter(PipelineStage stage, const InMessage& message,
                             const std::string& reason);

// A lf.dlq record, decoded: what EncodeDeadLetter was given, and what it recorded.
struct DeadLetter {
  PipelineStage stage = PipelineStage::kChunker;  // the stage that gave up ("worker")
  // The original message, key and value as bytes again (base64 undone); `value` is
  // its first kMaxDeadLetterPayload bytes (at a character boundary) when truncated.
  InMessage message;
  std::string reason;
  uint64_t payload_bytes = 0;  // length of the original value, bytes
  bool truncated = false;
  std::string at;  // when, UTC, ISO 8601 with milliseconds
};

// Never throws: bytes that are not a lf.dlq/v1 record (not JSON, another schema, a
// field missing or of the wrong type, an unknown stage, base64 that does not decode) come back as a
// kDeadLetter error naming what is wrong.
Result<DeadLetter> DecodeDeadLetter(std::string_view bytes);

}  // namespace longforge::kafka
