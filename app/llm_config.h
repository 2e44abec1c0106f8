#pragma once
// Which LLM each stage talks to. No URL for a stage = the extractive baseline there.

#include <prometheus/registry.h>
#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/llm/chat.h"
#include "longforge/llm/llm_probe.h"

namespace longforge::app {

struct LlmEndpoint {
  std::string url;    // base URL ending in /v1
  std::string model;  // model name sent in requests
};

struct LlmConfig {
  LlmEndpoint all;         // --llm-url, --llm-model: every LLM stage
  LlmEndpoint relevance;   // --relevance-llm-url/-model: override for relevance
  LlmEndpoint answer;      // --answer-llm-url/-model: override for answer (and keywords)
  int concurrency = 64;    // --llm-concurrency: requests in flight per stage; default 64
  int timeout_s = 300;     // --llm-timeout: seconds per request; default 300
  std::string cache_path;  // --cache: SQLite response cache; empty = none

  // The endpoint a stage uses ("relevance" or "answer"); url empty = extractive.
  LlmEndpoint For(const std::string& stage) const;
  std::vector<std::string> Validate() const;
  // "extractive (no LLM)" or e.g. "relevance: llm:qwen3-8b; answer: llm:qwen3-8b".
  std::string Describe() const;
};

void AddLlmFlags(CLI::App& cmd, LlmConfig& config);

// The client a stage talks through: HTTP with retries, behind the response cache when
// one is configured. Error (kStop) names what is wrong.
Result<std::unique_ptr<llm::ChatClient>> MakeChatClient(const LlmConfig& config,
                                                        const std::string& stage,
                                                        llm::LlmProbe* probe);

}  // namespace longforge::app
