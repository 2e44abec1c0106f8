#pragma once
// The loop every worker runs: consume → handle → produce → wait for delivery →
// commit. At-least-once: an input's offset is committed only after every output it
// produced (or its dead-letter record) was acknowledged, and only up to the oldest
// message still in flight in its partition. It depends only on the MessageSource,
// MessageSink and Clock interfaces, so tests run it against in-memory twins.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "longforge/common/clock.h"
#include "longforge/common/dependency_health.h"
#include "longforge/common/stage.h"
#include "longforge/kafka/handler.h"
#include "longforge/kafka/message_sink.h"
#include "longforge/kafka/message_source.h"
#include "longforge/kafka/offset_tracker.h"
#include "longforge/metrics/worker_probe.h"

namespace longforge::kafka {

struct RunLoopOptions {
  PipelineStage stage = PipelineStage::kChunker;  // named in logs and dead-letter records
  std::size_t max_in_flight = 256;  // messages handed to the handler, not yet finished
                                    // (less those the handler reports Parked())
  std::chrono::milliseconds commit_interval{200};
  std::chrono::milliseconds retry_backoff_min{100};  // first retry delay; doubles per attempt
  std::chrono::milliseconds retry_backoff_max{30000};
  // Times the handler may ask to retry one message before the loop gives up on it
  // (Handler::GiveUp), the first attempt included; 0 = never give up. Retries asked
  // for while `dependency` is down do not count. Default 3.
  int max_message_attempts = 3;
  // The server the handler depends on (its LLM), or null. Not owned; must outlive the
  // loop. While it is down, a message whose handler asks for a retry is retried
  // without limit: an outage must not make every message fail.
  const DependencyHealth* dependency = nullptr;
  std::chrono::milliseconds drain_timeout{10000};  // on stop, time allowed to finish in-flight work

  std::vector<std::string> Validate() const;
};

class RunLoop final : public RebalanceListener {
 public:
  // `clock` decides due times, intervals, deadlines and processing times; it must
  // outlive the loop, as must `handler` and `sink`. `probe` may be null.
  RunLoop(RunLoopOptions options, Handler& handler, MessageSink& sink, metrics::WorkerProbe* probe,
          const Clock& clock = SteadyClock::Instance());
  ~RunLoop() override;

  // Runs until `stop` becomes true (then finishes or abandons in-flight work within
  // drain_timeout; abandoned work stays uncommitted and is redelivered) or a handler
  // returns a kStop error, which is returned. Call from one thread; pass a source
  // created with this loop as its RebalanceListener. Equivalent to
  // `while (Step(source, stop)) {}  return End(source);`.
  Status Run(MessageSource& source, const std::atomic<bool>& stop);

  // Run, one pass at a time (tests drive the loop with it, deterministically). A pass
  // takes completions and delivery reports, re-dispatches due retries, ticks the
  // handler and commits when their intervals passed, then takes at most one message
  // from `source` (none while `stopping`). A pass waits in real time for at most
  // ~20 ms: in the source's Poll, or for a completion when no message may be taken.
  // Returns false when the loop is over: a handler returned a kStop error, or
  // `stopping` and nothing unparked is in flight or drain_timeout passed since the
  // first stopping pass. Then call End.
  bool Step(MessageSource& source, bool stopping);
  // Commits what finished and returns the kStop error, if any. Unfinished work stays
  // uncommitted.
  Status End(MessageSource& source);

  void OnAssigned(const std::vector<TopicPartition>& partitions) override;
  void OnRevoked(const std::vector<TopicPartition>& partitions) override;

  // Totals since construction (read from the loop thread or after Run returns).
  struct Totals {
    uint64_t consumed = 0, finished = 0, dead_lettered = 0, retries = 0, given_up = 0;
  };
  const Totals& totals() const { return totals_; }

 private:
  struct Work;
  struct Emitted;
  struct Event;
  struct EventQueue;

  void Start(InMessage message);
  void Dispatch(uint64_t id);
  void OnHandled(uint64_t id, Result<Outputs> result);
  void OnDelivered(uint64_t id, Status status);
  void OnEmitted(uint64_t id, Outputs outputs, Delivered delivered);
  void OnEmitDelivered(uint64_t id, Emitted& batch, Status status);
  void DeadLetter(uint64_t id, const std::string& reason);
  void Finish(uint64_t id);
  void ScheduleRetry(uint64_t id, const std::string& reason);
  // A handler asked to retry: retry, or give up when the retries are spent.
  void RetryOrGiveUp(uint64_t id, const Error& error);
  void DrainEvents();
  void RunDueRetries();
  void Tick();
  void CommitFinished();
  void TakeOne(MessageSource& source);
  void WaitForEvents();
  // Work in flight that counts against max_in_flight: not parked by the handler.
  std::size_t Active() const;

  RunLoopOptions options_;
  Handler& handler_;
  MessageSink& sink_;
  metrics::WorkerProbe* probe_;
  const Clock& clock_;
  const std::chrono::milliseconds tick_interval_;
  const bool tick_when_idle_;
  std::shared_ptr<EventQueue> events_;
  OffsetTracker tracker_;
  std::map<TopicPartition, uint64_t> generation_;
  std::unordered_map<uint64_t, std::unique_ptr<Work>> work_;
  std::multimap<Clock::TimePoint, uint64_t> retries_;
  uint64_t next_id_ = 1;
  std::optional<Error> fatal_;
  Totals totals_;
  MessageSource* source_ = nullptr;  // between the first Step and End: for OnRevoked
  Clock::TimePoint last_commit_;
  Clock::TimePoint last_tick_;
  bool idle_tick_due_ = false;  // a message was started since the last tick
  std::optional<Clock::TimePoint> drain_deadline_;
};

}  // namespace longforge::kafka
