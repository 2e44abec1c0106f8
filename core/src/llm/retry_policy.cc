#include "longforge/llm/retry_policy.h"

#include <algorithm>
#include <charconv>

namespace longforge::llm {

StatusClass ClassifyStatus(long http_status) {
  if (http_status >= 200 && http_status < 300) return StatusClass::kSuccess;
  if (http_status == 408 || http_status == 429 || http_status >= 500) return StatusClass::kRetry;
  if (http_status == 401 || http_status == 403 || http_status == 404) return StatusClass::kStop;
  return StatusClass::kDeadLetter;
}

std::chrono::milliseconds FullJitterBackoff(int retry, std::chrono::milliseconds base,
                                            std::chrono::milliseconds max, std::mt19937_64& rng) {
  // Doubling stops at 2^20 so the shift cannot overflow; max caps it long before.
  const int doublings = std::clamp(retry - 1, 0, 20);
  const auto ceiling = std::min<std::chrono::milliseconds::rep>(
      max.count(), base.count() * (std::chrono::milliseconds::rep{1} << doublings));
  if (ceiling <= 0) return std::chrono::milliseconds{0};
  std::uniform_int_distribution<std::chrono::milliseconds::rep> pick(0, ceiling);
  return std::chrono::milliseconds{pick(rng)};
}

std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r' ||
                            value.back() == '\n')) {
    value.remove_suffix(1);
  }
  long long seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc{} || end != value.data() + value.size() || seconds < 0) return std::nullopt;
  return std::chrono::seconds{seconds};
}

}  // namespace longforge::llm
