#include "longforge/llm/adaptive_limit.h"

#include <algorithm>
#include <cmath>

namespace longforge::llm {

AdaptiveLimit::AdaptiveLimit(AdaptiveLimitOptions options)
    : options_(options), limit_(std::max(options.ceiling, options.floor)) {}

int AdaptiveLimit::Limit() const {
  return std::clamp(static_cast<int>(std::floor(limit_)), options_.floor,
                    std::max(options_.ceiling, options_.floor));
}

void AdaptiveLimit::OnAnswered(Seconds latency) {
  const double s = latency.count();
  if (usual_latency_ == 0) {
    recent_latency_ = usual_latency_ = s;
  } else {
    recent_latency_ += 0.2 * (s - recent_latency_);
    usual_latency_ += 0.01 * (s - usual_latency_);
  }
  if (recent_latency_ <= options_.latency_tolerance * usual_latency_) {
    limit_ = std::min<double>(limit_ + 1.0 / std::max(limit_, 1.0), options_.ceiling);
  }
}

void AdaptiveLimit::OnOverloaded(Clock::time_point now,
                                 std::optional<std::chrono::seconds> retry_after) {
  if (retry_after) {
    const auto hold = std::min<std::chrono::milliseconds>(*retry_after, options_.retry_after_max);
    paused_until_ = std::max(paused_until_, now + hold);
  }
  if (now < cut_allowed_after_) return;  // the same burst: already cut for it
  limit_ = std::max<double>(options_.floor, limit_ * options_.decrease);
  ++decreases_;
  // Replies to requests sent before the cut are still coming back: let a round trip
  // pass (at least 100 ms) before another overload counts.
  const auto round_trip = std::chrono::duration_cast<Clock::duration>(
      Seconds(std::max(recent_latency_, 0.1)));
  cut_allowed_after_ = now + round_trip;
}

}  // namespace longforge::llm
