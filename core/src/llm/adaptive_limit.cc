#include "longforge/llm/adaptive_limit.h"

#include <algorithm>

namespace longforge::llm {

AdaptiveLimit::AdaptiveLimit(AdaptiveLimitOptions options)
    : options_(options), limit_(std::max(options.ceiling, options.floor)) {}

int AdaptiveLimit::Limit() const { return limit_; }

void AdaptiveLimit::OnAnswered(Seconds latency) {
  const double s = latency.count();
  if (usual_latency_ == 0) {
    recent_latency_ = usual_latency_ = s;
  } else {
    recent_latency_ += 0.2 * (s - recent_latency_);
  }
  const bool flat = recent_latency_ <= options_.latency_tolerance * usual_latency_;
  usual_latency_ += (flat ? 0.01 : 0.001) * (s - usual_latency_);
  if (!flat) return;
  if (++answers_in_window_ >= limit_) {
    answers_in_window_ = 0;
    limit_ = std::min(limit_ + 1, std::max(options_.ceiling, options_.floor));
  }
}

void AdaptiveLimit::OnOverloaded(Clock::time_point attempt_start, Clock::time_point now,
                                 std::optional<std::chrono::seconds> retry_after) {
  if (retry_after) {
    const auto hold = std::min<std::chrono::milliseconds>(*retry_after, options_.retry_after_max);
    paused_until_ = std::max(paused_until_, now + hold);
  }
  answers_in_window_ = 0;  // a window with an overload in it does not earn a slot
  if (decreases_ > 0 && attempt_start < last_cut_) return;  // sent at the old limit
  limit_ = std::max(options_.floor, static_cast<int>(limit_ * options_.decrease));
  ++decreases_;
  last_cut_ = now;
}

}  // namespace longforge::llm
