#pragma once
// The time that decisions are made by (due times, intervals, deadlines, durations),
// behind an interface so that a test can move it by hand (tests/support/fake_clock.h).
// Waiting (poll timeouts, condition variables) stays in real time.

#include <chrono>

namespace longforge {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  // Never goes backwards. Thread-safe.
  virtual TimePoint Now() const = 0;
};

// std::chrono::steady_clock: the default wherever no clock is injected.
class SteadyClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::steady_clock::now(); }
  // Stateless, so one instance serves the whole process.
  static const SteadyClock& Instance() {
    static const SteadyClock clock;
    return clock;
  }
};

}  // namespace longforge
