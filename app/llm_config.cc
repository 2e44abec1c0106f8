#include "llm_config.h"

#include "longforge/llm/caching_chat_client.h"
#include "longforge/llm/http_chat_client.h"
#include "longforge/llm/response_cache.h"

namespace longforge::app {

LlmEndpoint LlmConfig::For(const std::string& stage) const {
  const LlmEndpoint& own = stage == "relevance" ? relevance : answer;
  LlmEndpoint e;
  e.url = own.url.empty() ? all.url : own.url;
  e.model = own.model.empty() ? all.model : own.model;
  return e;
}

std::vector<std::string> LlmConfig::Validate() const {
  std::vector<std::string> problems;
  for (const char* stage : {"questioner", "relevance", "answer", "filter"}) {
    const auto e = For(stage);
    if (e.url.empty()) continue;
    llm::HttpChatClientOptions o;
    o.base_url = e.url;
    o.model = e.model;
    o.concurrency = concurrency;
    o.request_timeout = std::chrono::seconds(timeout_s);
    if (auto s = o.Validate(); !s)
      problems.push_back(std::string(stage) + ": " + s.error().message);
    if (e.model.empty()) {
      problems.push_back(std::string(stage) + ": an LLM URL needs a model (--llm-model)");
    }
  }
  return problems;
}

std::string LlmConfig::Describe() const {
  const auto r = For("relevance"), a = For("answer");  // questions, judge: as answer
  const auto name = [](const LlmEndpoint& e) {
    return e.url.empty() ? std::string("extractive (no LLM)") : "llm:" + e.model + " at " + e.url;
  };
  if (r.url.empty() && a.url.empty()) return "extractive (no LLM)";
  return "relevance: " + name(r) + "; answer: " + name(a);
}

void AddLlmFlags(CLI::App& cmd, LlmConfig& c) {
  cmd.add_option("--llm-url", c.all.url,
                 "OpenAI-compatible base URL ending in /v1 (vLLM, SGLang, llama.cpp, TGI, Ollama, "
                 "hosted); none = the extractive baseline. API key: $LONGFORGE_LLM_API_KEY or "
                 "$OPENAI_API_KEY");
  cmd.add_option("--llm-model", c.all.model, "Model name for every LLM stage");
  cmd.add_option("--relevance-llm-url", c.relevance.url, "LLM for the relevance stage only");
  cmd.add_option("--relevance-llm-model", c.relevance.model, "Model for the relevance stage");
  cmd.add_option("--answer-llm-url", c.answer.url, "LLM for the answer stage only");
  cmd.add_option("--answer-llm-model", c.answer.model, "Model for the answer stage");
  cmd.add_option("--llm-concurrency", c.concurrency, "LLM requests in flight per stage")
      ->capture_default_str();
  cmd.add_option("--llm-timeout", c.timeout_s, "Seconds allowed per LLM request")
      ->capture_default_str();
}

Result<std::unique_ptr<llm::ChatClient>> MakeChatClient(const LlmConfig& config,
                                                        const std::string& stage,
                                                        llm::LlmProbe* probe) {
  const auto e = config.For(stage);
  llm::HttpChatClientOptions o;
  o.base_url = e.url;
  o.model = e.model;
  o.api_key = llm::ApiKeyFromEnvironment();
  o.concurrency = config.concurrency;
  o.request_timeout = std::chrono::seconds(config.timeout_s);
  auto http = llm::HttpChatClient::Create(o, probe);
  if (!http) return http.error();
  if (config.cache_path.empty()) return std::unique_ptr<llm::ChatClient>(std::move(http.value()));
  auto cache = llm::ResponseCache::Open(config.cache_path);
  if (!cache) return cache.error();
  return std::unique_ptr<llm::ChatClient>(std::make_unique<llm::CachingChatClient>(
      std::move(http.value()), std::move(cache.value()), e.model, probe));
}

}  // namespace longforge::app
