#include "longforge/llm/llm_config.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "longforge/kafka/stage.h"
#include "longforge/llm/caching_chat_client.h"
#include "longforge/llm/http_chat_client.h"
#include "longforge/llm/plain_http.h"
#include "longforge/llm/response_cache.h"

namespace longforge::llm {
namespace {

// The prefix of a stage's own --<prefix>-llm-url/-model flags.
const char* StageFlagPrefix(PipelineStage stage) {
  switch (stage) {
    case PipelineStage::kMapper:
      return "map";
    case PipelineStage::kQuestioner:
      return "question";
    case PipelineStage::kFilter:
      return "judge";
    case PipelineStage::kChunker:
    case PipelineStage::kRelevance:
    case PipelineStage::kAnswer:
    case PipelineStage::kSink:
      break;
  }
  return StageName(stage);
}

}  // namespace

LlmEndpoint LlmConfig::For(PipelineStage stage) const {
  const LlmEndpoint* own = nullptr;
  switch (stage) {
    case PipelineStage::kChunker:
    case PipelineStage::kSink:
      return {};
    case PipelineStage::kMapper:
      own = &map;
      break;
    case PipelineStage::kQuestioner:
      own = &question;
      break;
    case PipelineStage::kRelevance:
      own = &relevance;
      break;
    case PipelineStage::kAnswer:
      own = &answer;
      break;
    case PipelineStage::kFilter:
      own = &judge;
      break;
  }
  return {own->url.empty() ? all.url : own->url, own->model.empty() ? all.model : own->model};
}

std::vector<std::string> LlmConfig::Validate(PipelineStage stage) const {
  std::vector<std::string> problems;
  const auto e = For(stage);
  if (e.url.empty()) return problems;
  HttpChatClientOptions o;
  o.base_url = e.url;
  o.model = e.model;
  o.concurrency = concurrency;
  o.request_timeout = std::chrono::seconds(timeout_s);
  for (const auto& problem : o.Validate()) {
    problems.push_back(std::string(StageName(stage)) + ": " + problem);
  }
  if (e.model.empty()) {
    problems.push_back(std::string(StageName(stage)) +
                       ": an LLM URL needs a model (--llm-model or --" + StageFlagPrefix(stage) +
                       "-llm-model)");
  }
  return problems;
}

std::string LlmConfig::Describe() const {
  // Stages sharing an endpoint are named together, in pipeline order.
  std::vector<std::pair<std::string, std::string>> groups;  // endpoint, stage names
  bool any_llm = false;
  for (const PipelineStage stage : kPipelineStages) {
    if (stage == PipelineStage::kChunker || stage == PipelineStage::kSink) continue;
    const auto e = For(stage);
    any_llm = any_llm || !e.url.empty();
    const std::string name =
        e.url.empty() ? std::string("extractive (no LLM)") : "llm:" + e.model + " at " + e.url;
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&name](const auto& g) { return g.first == name; });
    if (it == groups.end()) {
      groups.emplace_back(name, StageName(stage));
    } else {
      it->second += std::string(", ") + StageName(stage);
    }
  }
  if (!any_llm) return "extractive (no LLM)";
  std::string out;
  for (const auto& [name, stages] : groups) {
    out += (out.empty() ? "" : "; ") + stages + ": " + name;
  }
  return out;
}

Result<std::unique_ptr<ChatClient>> MakeChatClient(const LlmConfig& config, PipelineStage stage,
                                                   LlmProbe* probe) {
  const auto e = config.For(stage);
  HttpChatClientOptions o;
  o.base_url = e.url;
  o.model = e.model;
  o.api_key = ApiKeyFromEnvironment();
  o.concurrency = config.concurrency;
  o.adaptive_concurrency = !config.fixed_concurrency;
  o.request_timeout = std::chrono::seconds(config.timeout_s);
  o.stage = stage;
  auto http = HttpChatClient::Create(o, probe);
  if (!http) return http.error();
  if (KeyOverPlainHttp(o.base_url, !o.api_key.empty())) {
    spdlog::warn(
        "{}: the LLM API key is sent unencrypted over plain http:// to {}, which is not this "
        "machine; anyone on the network path can read it. Use https://{} if the server offers "
        "it.",
        StageName(stage), UrlHost(o.base_url), o.base_url.substr(7));
  }
  if (config.cache_path.empty()) return std::unique_ptr<ChatClient>(std::move(http.value()));
  auto cache = ResponseCache::Open(config.cache_path);
  if (!cache) return cache.error();
  return std::unique_ptr<ChatClient>(std::make_unique<CachingChatClient>(
      std::move(http.value()), std::move(cache.value()), e.model, probe));
}

Result<ChatClient*> ConnectLlm(kafka::BasicStage& stage, const kafka::StageContext& context) {
  auto* probe = stage.Own(std::make_unique<LlmProbe>(context.registry));
  auto client = MakeChatClient(context.llm, stage.id(), probe);
  if (!client) return client.error();
  ChatClient* connected = stage.OwnConnection(std::move(client.value()));
  stage.SetLlmHealth(connected->health());
  return connected;
}

}  // namespace longforge::llm
