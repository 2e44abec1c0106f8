#include "longforge/llm/llm_config.h"

#include "longforge/kafka/stage.h"
#include "longforge/llm/caching_chat_client.h"
#include "longforge/llm/http_chat_client.h"
#include "longforge/llm/response_cache.h"

namespace longforge::llm {

LlmEndpoint LlmConfig::For(PipelineStage stage) const {
  LlmEndpoint e;
  switch (stage) {
    case PipelineStage::kChunker:
    case PipelineStage::kSink:
      return e;
    case PipelineStage::kQuestioner:
    case PipelineStage::kRelevance:
    case PipelineStage::kAnswer:
    case PipelineStage::kFilter:
      break;
  }
  const LlmEndpoint& own = stage == PipelineStage::kRelevance ? relevance : answer;
  e.url = own.url.empty() ? all.url : own.url;
  e.model = own.model.empty() ? all.model : own.model;
  return e;
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
    problems.push_back(std::string(StageName(stage)) + ": an LLM URL needs a model (--llm-model)");
  }
  return problems;
}

std::string LlmConfig::Describe() const {
  const auto r = For(PipelineStage::kRelevance), a = For(PipelineStage::kAnswer);
  const auto name = [](const LlmEndpoint& e) {
    return e.url.empty() ? std::string("extractive (no LLM)") : "llm:" + e.model + " at " + e.url;
  };
  if (r.url.empty() && a.url.empty()) return "extractive (no LLM)";
  return "relevance: " + name(r) + "; answer: " + name(a);
}

Result<std::unique_ptr<ChatClient>> MakeChatClient(const LlmConfig& config, PipelineStage stage,
                                                   LlmProbe* probe) {
  const auto e = config.For(stage);
  HttpChatClientOptions o;
  o.base_url = e.url;
  o.model = e.model;
  o.api_key = ApiKeyFromEnvironment();
  o.concurrency = config.concurrency;
  o.request_timeout = std::chrono::seconds(config.timeout_s);
  o.stage = stage;
  auto http = HttpChatClient::Create(o, probe);
  if (!http) return http.error();
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
