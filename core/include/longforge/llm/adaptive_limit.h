#pragma once
// How many requests an LLM client keeps on the wire: additive increase, multiplicative
// decrease (AIMD), as TCP does with its window. --llm-concurrency is the ceiling. A
// reply that says the server is overloaded (429, 503, a timed-out attempt) halves the
// limit, but only when that attempt started after the last cut: attempts sent at the
// old limit were turned away for it already, so one burst counts once. A
// Retry-After holds every new attempt back until it passes. While latency stays flat
// (the recent average within `latency_tolerance` times the usual one) every `limit`
// normal replies in a row, with no overload among them, raise the limit by one slot. The usual
// latency follows the replies slowly, and ten times more slowly while latency is raised, so a
// server that queues stops the growth for hundreds of replies rather than becoming the new normal
// at once. Pure logic with the time passed in; the client calls it on its one thread.

#include <chrono>
#include <optional>

namespace longforge::llm {

struct AdaptiveLimitOptions {
  int ceiling = 64;  // --llm-concurrency; the limit starts here
  int floor = 1;
  double decrease = 0.5;           // factor applied on overload
  double latency_tolerance = 1.5;  // recent ÷ long-run latency above which it stops growing
  std::chrono::milliseconds retry_after_max{120'000};
};

class AdaptiveLimit {
 public:
  using Clock = std::chrono::steady_clock;
  using Seconds = std::chrono::duration<double>;

  explicit AdaptiveLimit(AdaptiveLimitOptions options);

  // Requests allowed on the wire now.
  int Limit() const;
  // No new attempt should start before this (a Retry-After); epoch when none.
  Clock::time_point PausedUntil() const { return paused_until_; }

  // An attempt the server answered normally after `latency`.
  void OnAnswered(Seconds latency);
  // An attempt started at `attempt_start` that the server turned away as overloaded at
  // `now`, with its Retry-After if any.
  void OnOverloaded(Clock::time_point attempt_start, Clock::time_point now,
                    std::optional<std::chrono::seconds> retry_after);

  // Times the limit was cut (for tests and logs).
  int decreases() const { return decreases_; }

 private:
  AdaptiveLimitOptions options_;
  int limit_;
  int answers_in_window_ = 0;     // normal replies since the limit last changed
  double recent_latency_ = 0;     // EWMA, alpha 0.2
  double usual_latency_ = 0;      // EWMA, alpha 0.01 (0.001 while latency is raised)
  Clock::time_point last_cut_{};  // attempts started before it do not cut again
  Clock::time_point paused_until_{};
  int decreases_ = 0;
};

}  // namespace longforge::llm
