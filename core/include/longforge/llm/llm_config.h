#pragma once
// Which LLM each pipeline stage talks to. No URL for a stage = the extractive baseline
// there. The command line fills it (app/); stage descriptors read it.

#include <memory>
#include <string>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/common/stage.h"
#include "longforge/llm/chat.h"
#include "longforge/llm/llm_probe.h"

namespace longforge::kafka {
class BasicStage;
struct StageContext;
}  // namespace longforge::kafka

namespace longforge::llm {

struct LlmEndpoint {
  std::string url;    // base URL ending in /v1
  std::string model;  // model name sent in requests
};

struct LlmConfig {
  LlmEndpoint all;        // --llm-url, --llm-model: every LLM stage without its own
  LlmEndpoint map;        // --map-llm-url/-model: the mapper's cards only
  LlmEndpoint question;   // --question-llm-url/-model: the questioner's generator only
  LlmEndpoint relevance;  // --relevance-llm-url/-model: the relevance stage only
  LlmEndpoint answer;     // --answer-llm-url/-model: the answer stage only (keywords, plan)
  LlmEndpoint judge;      // --judge-llm-url/-model: the filter's answer judge only
  int concurrency = 64;   // --llm-concurrency: requests in flight per stage; default 64
  bool fixed_concurrency = false;  // --fixed-llm-concurrency: no AIMD below the ceiling
  int timeout_s = 300;             // --llm-timeout: seconds per request; default 300
  std::string cache_path;          // --cache: SQLite response cache; empty = none

  // The endpoint `stage` uses: each of url and model from the stage's own flags
  // (mapper: map, questioner: question, relevance, answer, filter: judge), else from `all`; one
  // stage's flags never reach another. url empty = extractive. The chunker and the sink
  // call no LLM: always empty.
  LlmEndpoint For(PipelineStage stage) const;
  // Every problem with the endpoint `stage` uses (none when it uses no LLM).
  std::vector<std::string> Validate(PipelineStage stage) const;
  // "extractive (no LLM)" when no stage calls an LLM, else every LLM stage in pipeline
  // order, those sharing an endpoint together, e.g. "questioner, relevance, filter:
  // llm:qwen3-8b at http://gpu:8000/v1; answer: llm:qwen3-32b at http://big:8000/v1".
  std::string Describe() const;
};

// The client a stage talks through: HTTP with retries, behind the response cache when
// one is configured. Error (kStop) names what is wrong.
Result<std::unique_ptr<ChatClient>> MakeChatClient(const LlmConfig& config, PipelineStage stage,
                                                   LlmProbe* probe);

// Connects a built stage to the LLM `context.llm` names for it: an LlmProbe on the
// context's registry and the client, both owned by `stage` (the client as its
// connection, torn down before the handler). Error (kStop) names what is wrong.
Result<ChatClient*> ConnectLlm(kafka::BasicStage& stage, const kafka::StageContext& context);

}  // namespace longforge::llm
