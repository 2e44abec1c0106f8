#pragma once
// When an LLM call is tried again, and after how long. Pure functions, tested alone.

#include <chrono>
#include <optional>
#include <random>
#include <string_view>

namespace longforge::llm {

// What an HTTP status means for the request that received it.
enum class StatusClass {
  kSuccess,     // 2xx: parse the body
  kRetry,       // 408, 429, 5xx: transient, try again after a backoff
  kDeadLetter,  // other 4xx: this request cannot succeed
  kStop,        // 401, 403, 404: the client is misconfigured (key or base_url)
};

StatusClass ClassifyStatus(long http_status);

// "Full jitter" backoff before retry number `retry` (1 = the first retry): uniform in
// [0, min(max, base * 2^(retry-1))]. Spreads a burst of failures out instead of
// sending them back together.
std::chrono::milliseconds FullJitterBackoff(int retry, std::chrono::milliseconds base,
                                            std::chrono::milliseconds max, std::mt19937_64& rng);

// Retry-After in its delta-seconds form ("3"); nullopt for anything else (HTTP dates
// are not worth supporting for LLM servers, which send seconds).
std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value);

}  // namespace longforge::llm
