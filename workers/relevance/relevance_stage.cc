#include "workers/relevance/relevance_stage.h"

#include "longforge/kafka/topics.h"
#include "longforge/llm/llm_config.h"
#include "workers/relevance/extractive_judge.h"
#include "workers/relevance/llm_judge.h"
#include "workers/relevance/relevance_probe.h"
#include "workers/relevance/relevance_worker.h"

namespace longforge::workers {
std::vector<std::string> RelevanceStage::Validate(const Options&, const llm::LlmConfig& llm) {
  return llm.Validate(kId);
}

Result<std::unique_ptr<kafka::Stage>> RelevanceStage::Build(const Options&,
                                                            const kafka::StageContext& c) {
  const llm::LlmEndpoint endpoint = c.llm.For(kId);
  auto s = std::make_unique<kafka::BasicStage>(
      kId, std::vector<std::string>{kafka::kRelevanceRequests},
      kafka::DefaultInFlight(c.max_in_flight, !endpoint.url.empty(), c.llm.concurrency));
  RelevanceJudge* judge = nullptr;
  if (endpoint.url.empty()) {
    judge = s->Own(std::make_unique<ExtractiveJudge>());
  } else {
    auto* probe = s->Own(std::make_unique<RelevanceProbe>(c.registry));
    auto client = llm::ConnectLlm(*s, c);
    if (!client) return client.error();
    LlmJudgeOptions jo;
    jo.model = endpoint.model;
    jo.display_name = "llm:" + jo.model;
    auto made = LlmRelevanceJudge::Create(*client.value(), jo, probe);
    if (!made) return made.error();
    judge = s->Own(std::move(made.value()));
  }
  s->SetHandler(std::make_unique<RelevanceWorker>(c.store, *judge));
  return std::unique_ptr<kafka::Stage>(std::move(s));
}

}  // namespace longforge::workers
