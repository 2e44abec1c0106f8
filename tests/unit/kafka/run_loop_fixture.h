#pragma once
// Drives a RunLoop step by step against the in-memory source and sink and a fake
// clock, with a handler the test scripts.

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "longforge/kafka/run_loop.h"
#include "longforge/kafka/topics.h"
#include "support/fake_clock.h"
#include "support/in_memory_sink.h"
#include "support/in_memory_source.h"

namespace longforge::kafka {

inline const std::string kIn = "lf.in";
inline const std::string kOut = "lf.out";
inline const TopicPartition kP0{kIn, 0};

// A handler the test scripts: `rule` finishes a message at once (a value) or leaves it
// for the test to finish (nullopt, and every message when there is no rule).
class ScriptedHandler final : public Handler {
 public:
  using Rule = std::function<std::optional<Result<Outputs>>(const InMessage&)>;

  void HandleEmitting(const InMessage& message, Done done, kafka::Emit emit) override {
    {
      std::lock_guard lock(mu_);
      next_emit_ = std::move(emit);
    }
    Handle(message, std::move(done));
  }
  void Handle(const InMessage& message, Done done) override {
    std::size_t index = 0;
    {
      std::lock_guard lock(mu_);
      index = calls_.size();
      calls_.push_back({message, nullptr, std::move(next_emit_)});
      next_emit_ = nullptr;
    }
    auto result = rule ? rule(message) : std::nullopt;  // may throw, as a buggy handler would
    if (result) return done(std::move(*result));
    std::lock_guard lock(mu_);
    calls_[index].done = std::move(done);
  }
  void Tick() override { ++ticks; }
  std::chrono::milliseconds TickInterval() const override { return tick_interval; }
  bool TickWhenIdle() const override { return tick_when_idle; }
  std::size_t Parked() const override { return parked; }

  // Emits `outputs` for the index-th Handle call before it is finished.
  void EmitFor(std::size_t index, Outputs outputs, Delivered delivered) {
    kafka::Emit emit;
    {
      std::lock_guard lock(mu_);
      emit = calls_.at(index).emit;
    }
    ASSERT_TRUE(emit) << "call " << index << " has no emit";
    emit(std::move(outputs), std::move(delivered));
  }

  // Finishes the message of the index-th Handle call, which the rule left open.
  void Finish(std::size_t index, Result<Outputs> result) {
    Done done;
    {
      std::lock_guard lock(mu_);
      done = std::move(calls_.at(index).done);
    }
    ASSERT_TRUE(done) << "call " << index << " is not open";
    done(std::move(result));
  }
  std::size_t calls() const {
    std::lock_guard lock(mu_);
    return calls_.size();
  }
  // InMessage::attempt of every Handle call, in order.
  std::vector<int> attempts() const {
    std::lock_guard lock(mu_);
    std::vector<int> out;
    for (const auto& c : calls_) out.push_back(c.message.attempt);
    return out;
  }

  Rule rule;  // set before the loop is made
  std::chrono::milliseconds tick_interval{100};
  bool tick_when_idle = false;
  std::atomic<std::size_t> parked{0};
  std::atomic<int> ticks{0};

 private:
  struct Call {
    InMessage message;
    Done done;  // set while the message is open
    kafka::Emit emit;
  };
  kafka::Emit next_emit_;  // guarded by mu_: from HandleEmitting to Handle
  mutable std::mutex mu_;
  std::vector<Call> calls_;
};

inline std::optional<Result<Outputs>> Echo(const InMessage& m) {
  return Outputs{{kOut, m.key, "out:" + m.value}};
}

class RunLoopTest : public ::testing::Test {
 protected:
  RunLoopTest() {
    options_.stage = PipelineStage::kRelevance;
    options_.max_in_flight = 8;
    options_.commit_interval =
        std::chrono::milliseconds(0);  // commit on every pass unless a test says
  }

  // After options_ and handler_ are set up.
  void MakeLoop() {
    loop_ = std::make_unique<RunLoop>(options_, handler_, sink_, nullptr, clock_);
    source_ = std::make_unique<testing::InMemorySource>(loop_.get());
  }
  int64_t Push(const std::string& value) { return source_->Push(kIn, 0, value, "k-" + value); }
  // Passes enough to take every queued message (while the bound allows) and to carry
  // everything that can finish now through its completion, delivery and commit.
  void Settle() {
    const std::size_t passes = source_->queued() + 4;
    for (std::size_t i = 0; i < passes; ++i) ASSERT_TRUE(loop_->Step(*source_, false));
  }
  // `rounds` times: moves the clock past the longest retry backoff (30 s), then settles.
  void RetryRounds(int rounds) {
    for (int i = 0; i < rounds; ++i) {
      clock_.Advance(std::chrono::milliseconds(30001));
      Settle();
    }
  }
  // The next offset to read in kP0 as committed (0 when nothing was).
  int64_t Committed() const { return source_->Committed(kP0).value_or(0); }
  std::vector<nlohmann::json> DeadLetters() const {
    std::vector<nlohmann::json> out;
    for (const auto& m : sink_.delivered()) {
      if (m.topic == kDlq) out.push_back(nlohmann::json::parse(m.value));
    }
    return out;
  }

  RunLoopOptions options_;
  ScriptedHandler handler_;
  testing::InMemorySink sink_;
  testing::FakeClock clock_;
  std::unique_ptr<RunLoop> loop_;
  std::unique_ptr<testing::InMemorySource> source_;
};

}  // namespace longforge::kafka
