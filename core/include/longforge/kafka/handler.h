#pragma once
// The seam between the shared run loop and a worker's logic. Tests drive handlers
// directly, without a broker.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "longforge/common/error.h"

namespace longforge::kafka {

struct InMessage {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
};

struct OutMessage {
  std::string topic;
  std::string key;
  std::string value;
};

using Outputs = std::vector<OutMessage>;

// Finishes one input message: its outputs (possibly none) or an Error whose
// disposition tells the run loop to retry it, dead-letter it or stop. Must be called
// exactly once per Handle() call, from any thread.
using Done = std::function<void(Result<Outputs>)>;

class Handler {
 public:
  virtual ~Handler() = default;
  // May finish synchronously (call done before returning) or later from another
  // thread. Thread-safety: Handle is called from the run loop thread only.
  virtual void Handle(const InMessage& message, Done done) = 0;
  // Called by the run loop about every 100 ms on its thread: time-based work
  // (timeouts of gathered tasks) goes here.
  virtual void Tick() {}
};

// Adapter for handlers that finish every message synchronously.
class SyncHandler : public Handler {
 public:
  virtual Result<Outputs> HandleSync(const InMessage& message) = 0;
  void Handle(const InMessage& message, Done done) final { done(HandleSync(message)); }
};

}  // namespace longforge::kafka
