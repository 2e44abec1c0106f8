#include "longforge/common/dependency_health.h"

#include <algorithm>
#include <cmath>

namespace longforge {

DependencyHealth::DependencyHealth(std::string name, int down_after, const Clock& clock)
    : name_(std::move(name)),
      down_after_(static_cast<uint64_t>(std::max(down_after, 1))),
      clock_(clock) {}

void DependencyHealth::Answered() {
  std::lock_guard lock(mu_);
  current_ = Outage{};
}

void DependencyHealth::Failed(const std::string& why) {
  std::lock_guard lock(mu_);
  if (current_.failures == 0) current_.since = clock_.Now();
  ++current_.failures;
  current_.last_error = why;
}

std::optional<DependencyHealth::Outage> DependencyHealth::Down() const {
  std::lock_guard lock(mu_);
  if (current_.failures < down_after_) return std::nullopt;
  return current_;
}

double DependencyHealth::OutageSeconds() const {
  const auto down = Down();
  if (!down) return 0;
  return std::chrono::duration<double>(clock_.Now() - down->since).count();
}

std::string DependencyHealth::Describe() const {
  const auto down = Down();
  if (!down) return {};
  const auto seconds = static_cast<long long>(
      std::floor(std::chrono::duration<double>(clock_.Now() - down->since).count()));
  return name_ + " is down: " + std::to_string(down->failures) + " attempts in a row failed in " +
         std::to_string(seconds) + " s (last: " + down->last_error + ")";
}

}  // namespace longforge
