#pragma once
// `longforge run` and its LLM servers: checked before anything is ingested, and watched
// while the run goes on, so that a missing or vanished server ends the run with exit 1
// and a message naming it instead of a run that retries forever.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "longforge/common/dependency_health.h"
#include "longforge/common/error.h"
#include "longforge/llm/llm_config.h"

namespace longforge::app {

// GET {url}/models on every distinct LLM URL the stages use (each within `timeout`).
// Error (kStop) naming the URL when nothing answers or the key is refused; other
// doubtful answers are logged as warnings.
Status CheckLlmServers(const llm::LlmConfig& llm, std::chrono::milliseconds timeout);

// Watches the health of the stages' LLM clients. Not thread-safe: one thread checks.
class OutageWatch {
 public:
  // `healths`: one per LLM stage (nulls ignored), outliving the watch. `timeout_s`:
  // --llm-outage-timeout. `cache_path`: the response cache, empty when there is none.
  OutageWatch(std::vector<const DependencyHealth*> healths, int timeout_s, std::string cache_path);

  // Nothing while every server is up or down for less than the timeout (an outage is
  // logged as it starts and every 30 s); otherwise why the run stops and how to resume.
  std::optional<std::string> Check();

 private:
  std::vector<const DependencyHealth*> healths_;
  const int timeout_s_;
  const std::string cache_path_;
  std::chrono::steady_clock::time_point last_warning_{};
};

}  // namespace longforge::app
