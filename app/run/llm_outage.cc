#include "run/llm_outage.h"

#include <spdlog/spdlog.h>

#include <set>

#include "longforge/llm/http_chat_client.h"
#include "longforge/llm/server_check.h"

namespace longforge::app {

Status CheckLlmServers(const llm::LlmConfig& llm, std::chrono::milliseconds timeout) {
  std::set<std::string> checked;
  for (PipelineStage stage : kPipelineStages) {
    const llm::LlmEndpoint e = llm.For(stage);
    if (e.url.empty() || !checked.insert(e.url).second) continue;
    auto check = llm::CheckLlmServer(e.url, e.model, llm::ApiKeyFromEnvironment(), timeout);
    if (!check) return check.error();
    if (!check->warning.empty()) spdlog::warn("{}", check->warning);
    spdlog::debug("LLM at {} answered GET /models with HTTP {}", e.url, check->http_status);
  }
  return Status::Ok();
}

OutageWatch::OutageWatch(std::vector<const DependencyHealth*> healths, int timeout_s,
                         std::string cache_path)
    : timeout_s_(timeout_s), cache_path_(std::move(cache_path)) {
  for (const DependencyHealth* h : healths) {
    if (h != nullptr) healths_.push_back(h);
  }
}

std::optional<std::string> OutageWatch::Check() {
  const auto now = std::chrono::steady_clock::now();
  for (const DependencyHealth* h : healths_) {
    const double seconds = h->OutageSeconds();
    if (seconds == 0) continue;
    if (seconds < timeout_s_) {
      if (now - last_warning_ >= std::chrono::seconds(30)) {
        spdlog::warn("{}; retrying, and giving up {:.0f} s from now (--llm-outage-timeout {})",
                     h->Describe(), timeout_s_ - seconds, timeout_s_);
        last_warning_ = now;
      }
      continue;
    }
    std::string resume =
        cache_path_.empty()
            ? "samples already written are skipped, but every other LLM call is made again "
              "(no response cache: drop --no-cache, or give --cache FILE, to keep replies)"
            : "the LLM replies already received are replayed from the cache at " + cache_path_ +
                  " and samples already written are skipped";
    return "stopped after an LLM outage longer than --llm-outage-timeout " +
           std::to_string(timeout_s_) + " s: " + h->Describe() +
           ". Once the server answers, run the same command again to resume: " + resume + ".";
  }
  return std::nullopt;
}

}  // namespace longforge::app
