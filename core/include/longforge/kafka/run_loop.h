#pragma once
// The loop every worker runs: consume → handle → produce → wait for delivery →
// commit. At-least-once: an input's offset is committed only after every output it
// produced (or its dead-letter record) was acknowledged, and only up to the oldest
// message still in flight in its partition. It depends only on the MessageSource and
// MessageSink interfaces, so tests can run it against in-memory twins.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "longforge/kafka/handler.h"
#include "longforge/kafka/message_sink.h"
#include "longforge/kafka/message_source.h"
#include "longforge/kafka/offset_tracker.h"
#include "longforge/metrics/worker_probe.h"

namespace longforge::kafka {

struct RunLoopOptions {
  std::string worker;               // name in logs, metrics and dead-letter records
  std::size_t max_in_flight = 256;  // messages handed to the handler, not yet finished
  std::chrono::milliseconds commit_interval{200};
  std::chrono::milliseconds retry_backoff_min{100};  // first retry delay; doubles per attempt
  std::chrono::milliseconds retry_backoff_max{30000};
  std::chrono::milliseconds drain_timeout{10000};  // on stop, time allowed to finish in-flight work

  std::vector<std::string> Validate() const;
};

class RunLoop final : public RebalanceListener {
 public:
  RunLoop(RunLoopOptions options, Handler& handler, MessageSink& sink, metrics::WorkerProbe* probe);
  ~RunLoop() override;

  // Runs until `stop` becomes true (then finishes or abandons in-flight work within
  // drain_timeout; abandoned work stays uncommitted and is redelivered) or a handler
  // returns a kStop error, which is returned. Call from one thread; pass a source
  // created with this loop as its RebalanceListener.
  Status Run(MessageSource& source, const std::atomic<bool>& stop);

  void OnAssigned(const std::vector<TopicPartition>& partitions) override;
  void OnRevoked(const std::vector<TopicPartition>& partitions) override;

  // Totals since construction (read from the loop thread or after Run returns).
  struct Totals {
    uint64_t consumed = 0, finished = 0, dead_lettered = 0, retries = 0;
  };
  const Totals& totals() const { return totals_; }

 private:
  struct Work;
  struct Event;
  struct EventQueue;

  void Start(InMessage message);
  void Dispatch(uint64_t id);
  void OnHandled(uint64_t id, Result<Outputs> result);
  void OnDelivered(uint64_t id, Status status);
  void DeadLetter(uint64_t id, const std::string& reason);
  void Finish(uint64_t id);
  void ScheduleRetry(uint64_t id, const std::string& reason);
  void DrainEvents();
  void RunDueRetries();
  void CommitFinished(MessageSource& source);

  RunLoopOptions options_;
  Handler& handler_;
  MessageSink& sink_;
  metrics::WorkerProbe* probe_;
  std::shared_ptr<EventQueue> events_;
  OffsetTracker tracker_;
  std::map<TopicPartition, uint64_t> generation_;
  std::unordered_map<uint64_t, std::unique_ptr<Work>> work_;
  std::multimap<std::chrono::steady_clock::time_point, uint64_t> retries_;
  uint64_t next_id_ = 1;
  std::optional<Error> fatal_;
  Totals totals_;
  MessageSource* source_ = nullptr;
};

}  // namespace longforge::kafka
