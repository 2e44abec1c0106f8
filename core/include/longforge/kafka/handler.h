#pragma once
// The seam between the shared run loop and a worker's logic. Tests drive handlers
// directly, without a broker.

#include <chrono>
#include <cstddef>
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
  // Which time the run loop hands this message to the handler: 1 the first time, then
  // one more per retry (set by the run loop on every dispatch).
  int attempt = 1;
  // The producer's CreateTime in ms since the epoch; -1 when unknown.
  int64_t timestamp_ms = -1;
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

// Publishes some of a message's outputs before the message is finished, for a handler
// that releases work over time (the questioner's credit-based fan-out). The run loop
// produces them at once and calls `delivered` on its thread with the first failure
// among them, or success, once the broker has answered for every one. The message's
// offset is committed only after done was called and everything it emitted was
// delivered. Callable from any thread until done is called, not after.
using Delivered = std::function<void(Status)>;
using Emit = std::function<void(Outputs, Delivered)>;

class Handler {
 public:
  virtual ~Handler() = default;
  // May finish synchronously (call done before returning) or later from another
  // thread. Thread-safety: Handle is called from the run loop thread only.
  virtual void Handle(const InMessage& message, Done done) = 0;
  // What the run loop calls: a handler that emits outputs before it finishes a message
  // overrides this one; the default ignores `emit` and calls Handle.
  virtual void HandleEmitting(const InMessage& message, Done done, Emit emit) {
    (void)emit;
    Handle(message, std::move(done));
  }
  // Called by the run loop about every TickInterval() on its thread: time-based work
  // (timeouts of gathered tasks, group commits) goes here.
  virtual void Tick() {}
  virtual std::chrono::milliseconds TickInterval() const { return std::chrono::milliseconds(100); }
  // True: also tick as soon as no further message is waiting after one was handed in
  // (a group commit that does not wait out the interval when traffic pauses).
  virtual bool TickWhenIdle() const { return false; }
  // Messages the handler has recorded and holds only so that their offsets are not
  // committed yet (results gathered until their task completes), as opposed to work in
  // progress. The run loop counts work in flight minus Parked() against max_in_flight,
  // so parked messages never stop new ones from being taken, and does not wait for
  // them when draining on stop (they stay uncommitted and are redelivered). Their
  // number is bounded by the handler (e.g. a timeout), not by max_in_flight. Called on
  // the run loop thread.
  virtual std::size_t Parked() const { return 0; }
  // The run loop gives up on `message` after its handler asked to retry it
  // RunLoopOptions::max_message_attempts times (while the stage's LLM was up); `last`
  // is the last error. Returns the message's final outputs (the relevance stage
  // reports its chunk failed for each task) or an error: kDeadLetter (the default)
  // records it in lf.dlq, kStop stops the loop, kRetry is taken as kDeadLetter.
  // Called on the run loop thread.
  virtual Result<Outputs> GiveUp(const InMessage& message, const Error& last) {
    return Error::DeadLetter("gave up after " + std::to_string(message.attempt) +
                             " attempts: " + last.message);
  }
};

// Adapter for handlers that finish every message synchronously.
class SyncHandler : public Handler {
 public:
  virtual Result<Outputs> HandleSync(const InMessage& message) = 0;
  void Handle(const InMessage& message, Done done) final { done(HandleSync(message)); }
};

}  // namespace longforge::kafka
