#include "longforge/kafka/run_loop.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>

#include "longforge/kafka/dead_letter.h"
#include "longforge/kafka/topics.h"

namespace longforge::kafka {

struct RunLoop::Work {
  InMessage message;
  TopicPartition tp;
  uint64_t generation = 0;
  int attempts = 0;  // dispatches to the handler
  int counted = 0;   // retries the handler asked for while the dependency was up
  Clock::TimePoint started;
  int pending_deliveries = 0;
  std::optional<Error> delivery_error;
  bool dead_lettering = false;
  int pending_emits = 0;             // outputs emitted before done, not yet delivered
  bool finish_when_emitted = false;  // finished except for those
};

// One batch the handler emitted: its delivery is reported once for all of it.
struct RunLoop::Emitted {
  int pending = 0;
  std::optional<Error> error;
  Delivered delivered;
};

struct RunLoop::Event {
  uint64_t id;
  std::optional<Result<Outputs>> handled;  // set for a handler completion
  Status delivered;                        // otherwise a delivery report
  std::optional<Outputs> emitted = {};     // set for outputs emitted before done
  Delivered on_emitted = {};               // with `emitted`
  std::shared_ptr<Emitted> batch = {};     // set for the delivery report of an emitted one
};

// Shared with completion callbacks so that a late callback (after Run returned)
// lands in a queue that still exists.
struct RunLoop::EventQueue {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Event> events;
  void Push(Event e) {
    {
      std::lock_guard lock(mu);
      events.push_back(std::move(e));
    }
    cv.notify_one();
  }
};

std::vector<std::string> RunLoopOptions::Validate() const {
  std::vector<std::string> problems;
  if (max_in_flight == 0) problems.emplace_back("--max-in-flight must be at least 1");
  if (retry_backoff_min.count() <= 0 || retry_backoff_max < retry_backoff_min) {
    problems.emplace_back("retry backoff: need 0 < min <= max");
  }
  if (max_message_attempts < 0) problems.emplace_back("max_message_attempts must be >= 0");
  return problems;
}

RunLoop::RunLoop(RunLoopOptions options, Handler& handler, MessageSink& sink,
                 metrics::WorkerProbe* probe, const Clock& clock)
    : options_(std::move(options)),
      handler_(handler),
      sink_(sink),
      probe_(probe),
      clock_(clock),
      tick_interval_(handler.TickInterval()),
      tick_when_idle_(handler.TickWhenIdle()),
      events_(std::make_shared<EventQueue>()),
      last_commit_(clock.Now()),
      last_tick_(clock.Now()) {}

RunLoop::~RunLoop() = default;

void RunLoop::OnAssigned(const std::vector<TopicPartition>& partitions) {
  for (const auto& tp : partitions) ++generation_[tp];
  spdlog::info("{}: assigned {} partitions", StageName(options_.stage), partitions.size());
}

void RunLoop::OnRevoked(const std::vector<TopicPartition>& partitions) {
  if (source_ != nullptr) CommitFinished();
  for (const auto& tp : partitions) {
    tracker_.Forget(tp);
    ++generation_[tp];  // work still in flight for tp no longer moves its offsets
  }
  spdlog::info("{}: revoked {} partitions", StageName(options_.stage), partitions.size());
}

void RunLoop::Start(InMessage message) {
  const uint64_t id = next_id_++;
  auto work = std::make_unique<Work>();
  work->tp = {message.topic, message.partition};
  work->generation = generation_[work->tp];
  work->started = clock_.Now();
  tracker_.Started(work->tp, message.offset);
  if (probe_) probe_->Consumed(message.topic);
  ++totals_.consumed;
  spdlog::trace("{}: started {}[{}]@{}", StageName(options_.stage), message.topic,
                message.partition, message.offset);
  work->message = std::move(message);
  work_.emplace(id, std::move(work));
  Dispatch(id);
}

void RunLoop::Dispatch(uint64_t id) {
  auto& work = *work_.at(id);
  work.message.attempt = ++work.attempts;
  std::weak_ptr<EventQueue> queue = events_;
  try {
    handler_.HandleEmitting(
        work.message,
        [queue, id](Result<Outputs> result) {
          if (auto q = queue.lock()) q->Push({id, std::move(result), {}});
        },
        [queue, id](Outputs outputs, Delivered delivered) {
          if (auto q = queue.lock()) {
            q->Push({id, std::nullopt, {}, std::move(outputs), std::move(delivered), nullptr});
          }
        });
  } catch (const std::exception& e) {
    // A bug in the handler for this message: record it, do not take the worker down.
    events_->Push(
        {id, Result<Outputs>(Error::DeadLetter(std::string("handler threw: ") + e.what())), {}});
  }
}

void RunLoop::OnHandled(uint64_t id, Result<Outputs> result) {
  auto it = work_.find(id);
  if (it == work_.end()) return;
  Work& work = *it->second;
  if (!result.ok()) {
    const Error& e = result.error();
    switch (e.disposition) {
      case Disposition::kRetry:
        RetryOrGiveUp(id, e);
        return;
      case Disposition::kDeadLetter:
        DeadLetter(id, e.message);
        return;
      case Disposition::kStop:
        fatal_ = e;
        return;
    }
    return;
  }
  Outputs& outputs = result.value();
  if (outputs.empty()) {
    Finish(id);
    return;
  }
  work.pending_deliveries = static_cast<int>(outputs.size());
  work.delivery_error.reset();
  std::weak_ptr<EventQueue> queue = events_;
  for (auto& out : outputs) {
    sink_.Produce(out.topic, out.key, out.value,
                  [queue, id, probe = probe_, topic = out.topic](Status s) {
                    if (s.ok() && probe) probe->Produced(topic);
                    if (auto q = queue.lock()) q->Push({id, std::nullopt, std::move(s)});
                  });
  }
}

void RunLoop::OnDelivered(uint64_t id, Status status) {
  auto it = work_.find(id);
  if (it == work_.end()) return;
  Work& work = *it->second;
  if (!status.ok() && !work.delivery_error) work.delivery_error = status.error();
  if (--work.pending_deliveries > 0) return;
  if (!work.delivery_error) {
    if (work.dead_lettering) {
      ++totals_.dead_lettered;
      if (probe_) probe_->DeadLettered(work.message.topic);
    }
    Finish(id);
    return;
  }
  const Error err = *work.delivery_error;
  if (err.disposition == Disposition::kDeadLetter && !work.dead_lettering) {
    DeadLetter(id, err.message);
  } else {
    ScheduleRetry(id, err.message);
  }
}

void RunLoop::OnEmitted(uint64_t id, Outputs outputs, Delivered delivered) {
  auto it = work_.find(id);
  if (it == work_.end()) {
    spdlog::error("{}: a handler emitted {} outputs for a message it had finished; dropped",
                  StageName(options_.stage), outputs.size());
    if (delivered) delivered(Error::Stop("emitted after the message was finished"));
    return;
  }
  if (outputs.empty()) {
    if (delivered) delivered(Status{});
    return;
  }
  Work& work = *it->second;
  auto batch = std::make_shared<Emitted>();
  batch->pending = static_cast<int>(outputs.size());
  batch->delivered = std::move(delivered);
  work.pending_emits += batch->pending;
  std::weak_ptr<EventQueue> queue = events_;
  for (auto& out : outputs) {
    sink_.Produce(out.topic, out.key, out.value,
                  [queue, id, batch, probe = probe_, topic = out.topic](Status s) {
                    if (s.ok() && probe) probe->Produced(topic);
                    if (auto q = queue.lock()) {
                      q->Push({id, std::nullopt, std::move(s), std::nullopt, nullptr, batch});
                    }
                  });
  }
}

void RunLoop::OnEmitDelivered(uint64_t id, Emitted& batch, Status status) {
  if (!status.ok() && !batch.error) batch.error = status.error();
  if (--batch.pending == 0 && batch.delivered) {
    batch.delivered(batch.error ? Status(*batch.error) : Status{});
  }
  auto it = work_.find(id);
  if (it == work_.end()) return;
  Work& work = *it->second;
  if (--work.pending_emits == 0 && work.finish_when_emitted) Finish(id);
}

void RunLoop::DeadLetter(uint64_t id, const std::string& reason) {
  Work& work = *work_.at(id);
  spdlog::warn("{}: dead-lettering {}[{}]@{}: {}", StageName(options_.stage), work.message.topic,
               work.message.partition, work.message.offset, reason);
  work.dead_lettering = true;
  Outputs dlq{{kDlq, work.message.key, EncodeDeadLetter(options_.stage, work.message, reason)}};
  OnHandled(id, std::move(dlq));
}

void RunLoop::ScheduleRetry(uint64_t id, const std::string& reason) {
  Work& work = *work_.at(id);
  work.dead_lettering = false;
  const int shift = std::min(work.attempts - 1, 16);
  auto backoff = options_.retry_backoff_min * (int64_t{1} << shift);
  backoff = std::min(backoff, options_.retry_backoff_max);
  static thread_local std::minstd_rand rng{std::random_device{}()};
  const auto jittered = std::chrono::milliseconds(
      std::uniform_int_distribution<int64_t>(backoff.count() / 2, backoff.count())(rng));
  if (work.attempts == 1 || work.attempts % 10 == 0) {
    spdlog::warn("{}: retrying {}[{}]@{} in {} ms (attempt {}): {}", StageName(options_.stage),
                 work.message.topic, work.message.partition, work.message.offset, jittered.count(),
                 work.attempts, reason);
  }
  ++totals_.retries;
  if (probe_) probe_->Retried();
  retries_.emplace(clock_.Now() + jittered, id);
}

void RunLoop::RetryOrGiveUp(uint64_t id, const Error& error) {
  Work& work = *work_.at(id);
  if (options_.dependency != nullptr && !options_.dependency->Up()) {
    // Not this message's fault: try again as long as the outage lasts.
    return ScheduleRetry(id, error.message + " (" + options_.dependency->Describe() + ")");
  }
  if (options_.max_message_attempts == 0 || ++work.counted < options_.max_message_attempts) {
    return ScheduleRetry(id, error.message);
  }
  spdlog::warn("{}: giving up on {}[{}]@{} after {} attempts: {}", StageName(options_.stage),
               work.message.topic, work.message.partition, work.message.offset, work.attempts,
               error.message);
  ++totals_.given_up;
  Result<Outputs> final_outputs = Error::DeadLetter(error.message);
  try {
    final_outputs = handler_.GiveUp(work.message, error);
  } catch (const std::exception& e) {
    final_outputs = Error::DeadLetter(std::string("handler threw giving up: ") + e.what());
  }
  if (!final_outputs.ok() && final_outputs.error().disposition == Disposition::kStop) {
    fatal_ = final_outputs.error();
    return;
  }
  if (!final_outputs.ok()) return DeadLetter(id, final_outputs.error().message);
  OnHandled(id, std::move(final_outputs));
}

void RunLoop::Finish(uint64_t id) {
  auto it = work_.find(id);
  Work& work = *it->second;
  if (work.pending_emits > 0) {
    // Done, but what it emitted earlier is still on its way: its offset waits for that.
    work.finish_when_emitted = true;
    return;
  }
  if (generation_[work.tp] == work.generation) tracker_.Finished(work.tp, work.message.offset);
  const double seconds = std::chrono::duration<double>(clock_.Now() - work.started).count();
  if (probe_) probe_->ProcessingSeconds(seconds);
  spdlog::debug("{}: finished {}[{}]@{} in {:.1f} ms", StageName(options_.stage),
                work.message.topic, work.message.partition, work.message.offset, seconds * 1e3);
  ++totals_.finished;
  work_.erase(it);
}

void RunLoop::DrainEvents() {
  std::deque<Event> batch;
  {
    std::lock_guard lock(events_->mu);
    batch.swap(events_->events);
  }
  for (auto& e : batch) {
    if (e.handled) {
      OnHandled(e.id, std::move(*e.handled));
    } else if (e.emitted) {
      OnEmitted(e.id, std::move(*e.emitted), std::move(e.on_emitted));
    } else if (e.batch) {
      OnEmitDelivered(e.id, *e.batch, std::move(e.delivered));
    } else {
      OnDelivered(e.id, std::move(e.delivered));
    }
  }
}

void RunLoop::RunDueRetries() {
  const auto now = clock_.Now();
  while (!retries_.empty() && retries_.begin()->first <= now) {
    const uint64_t id = retries_.begin()->second;
    retries_.erase(retries_.begin());
    if (work_.contains(id)) Dispatch(id);
  }
}

void RunLoop::Tick() {
  handler_.Tick();
  if (probe_) probe_->InFlight(static_cast<double>(work_.size()));
  last_tick_ = clock_.Now();
}

void RunLoop::CommitFinished() {
  const auto pending = tracker_.PendingCommits();
  if (pending.empty()) return;
  if (auto s = source_->Commit(pending); s.ok()) {
    tracker_.MarkCommitted(pending);
  } else {
    spdlog::warn("{}: {}", StageName(options_.stage), s.error().message);
  }
}

std::size_t RunLoop::Active() const {
  // A handler's count can only be trusted as far as the work it was handed.
  return work_.size() - std::min(handler_.Parked(), work_.size());
}

void RunLoop::WaitForEvents() {
  std::unique_lock lock(events_->mu);
  events_->cv.wait_for(lock, std::chrono::milliseconds(20),
                       [&] { return !events_->events.empty(); });
}

void RunLoop::TakeOne(MessageSource& source) {
  // Short waits: a stop request is noticed within one (20 ms when idle). A handler
  // that ticks when idle is ticked as soon as the input runs dry.
  using std::chrono::milliseconds;
  auto polled =
      source.Poll(Active() == 0 ? milliseconds(20) : milliseconds(idle_tick_due_ ? 0 : 5));
  if (!polled.ok()) {
    spdlog::warn("{}: {}", StageName(options_.stage), polled.error().message);
    return;
  }
  if (!polled->has_value()) {
    if (idle_tick_due_) {
      Tick();
      idle_tick_due_ = false;
    }
    return;
  }
  Start(std::move(**polled));
  idle_tick_due_ = tick_when_idle_;
}

bool RunLoop::Step(MessageSource& source, bool stopping) {
  source_ = &source;
  DrainEvents();
  RunDueRetries();
  if (fatal_) return false;
  const auto now = clock_.Now();
  if (now - last_tick_ >= tick_interval_) Tick();
  if (now - last_commit_ >= options_.commit_interval) {
    CommitFinished();
    last_commit_ = now;
  }
  if (stopping) {
    if (!drain_deadline_) drain_deadline_ = now + options_.drain_timeout;
    if (Active() == 0 || now >= *drain_deadline_) return false;
    WaitForEvents();
    return true;
  }
  if (Active() < options_.max_in_flight) {
    TakeOne(source);
  } else {
    WaitForEvents();
  }
  return true;
}

Status RunLoop::End(MessageSource& source) {
  source_ = &source;
  CommitFinished();
  if (!work_.empty()) {
    spdlog::info("{}: stopping with {} messages unfinished; they stay uncommitted",
                 StageName(options_.stage), work_.size());
  }
  source_ = nullptr;
  drain_deadline_.reset();
  if (fatal_) return *fatal_;
  return {};
}

Status RunLoop::Run(MessageSource& source, const std::atomic<bool>& stop) {
  while (Step(source, stop.load())) {
  }
  return End(source);
}

}  // namespace longforge::kafka
