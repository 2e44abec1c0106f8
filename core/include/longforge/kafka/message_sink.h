#pragma once
// Where the run loop writes outputs and dead-letter records. Producer implements it
// over Kafka; tests use the in-memory twin (tests/support/in_memory_sink.h).

#include <functional>
#include <string>
#include <string_view>

#include "longforge/common/error.h"

namespace longforge::kafka {

class MessageSink {
 public:
  // Runs exactly once per message, on any thread, possibly before Produce returns:
  // Ok once the message is stored for good, else an Error (kRetry: producing it again
  // may succeed; kDeadLetter: it never will, e.g. too large).
  using DeliveryCallback = std::function<void(Status)>;

  virtual ~MessageSink() = default;
  // Thread-safe. Copies key and value.
  virtual void Produce(const std::string& topic, std::string_view key, std::string_view value,
                       DeliveryCallback callback) = 0;
};

}  // namespace longforge::kafka
