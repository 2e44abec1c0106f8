#pragma once
// lf.dlq records: the original message (bytes, topic, partition, offset, key), the
// worker that gave up on it and why. Schema: schemas/lf.dlq/v1.schema.json.

#include <string>

#include "longforge/kafka/handler.h"

namespace longforge::kafka {

// Payloads above this are cut (and marked truncated) so the record itself stays
// publishable; the original length is always kept.
inline constexpr std::size_t kMaxDeadLetterPayload = 256 * 1024;

std::string EncodeDeadLetter(const std::string& worker, const InMessage& message,
                             const std::string& reason);

}  // namespace longforge::kafka
