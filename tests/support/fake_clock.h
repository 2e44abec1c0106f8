#pragma once
// A clock that moves only when the test moves it, so time-based decisions (retry
// backoff, commit and tick intervals, drain deadlines) are tested without sleeping.

#include <atomic>
#include <chrono>
#include <cstdint>

#include "longforge/common/clock.h"

namespace longforge::testing {

// Thread-safe: a loop may read it on its thread while the test advances it.
class FakeClock final : public Clock {
 public:
  TimePoint Now() const override {
    return TimePoint(
        std::chrono::duration_cast<TimePoint::duration>(std::chrono::nanoseconds(nanos_.load())));
  }
  void Advance(std::chrono::nanoseconds by) { nanos_ += by.count(); }

 private:
  // Starts an hour past the epoch, so that no code can take it for an unset time.
  std::atomic<int64_t> nanos_{std::chrono::nanoseconds(std::chrono::hours(1)).count()};
};

}  // namespace longforge::testing
