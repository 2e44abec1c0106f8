#include "workers/relevance/relevance_stage.h"

#include "longforge/kafka/topics.h"
#include "longforge/llm/llm_config.h"
#include "workers/relevance/extractive_judge.h"
#include "workers/relevance/llm_judge.h"
#include "workers/relevance/relevance_probe.h"
#include "workers/relevance/relevance_worker.h"

namespace longforge::workers {
namespace {

class BuiltRelevance final : public kafka::BasicStage {
 public:
  using BasicStage::BasicStage;
  // The client goes first: it fails its outstanding calls, whose callbacks may still use
  // the handler and the judge.
  ~BuiltRelevance() override {
    client.reset();
    handler_.reset();
  }
  void SetHandler(std::unique_ptr<kafka::Handler> h) { handler_ = std::move(h); }
  std::unique_ptr<llm::LlmProbe> llm_probe;
  std::unique_ptr<RelevanceProbe> probe;
  std::unique_ptr<RelevanceJudge> judge;
  std::unique_ptr<llm::ChatClient> client;
};

}  // namespace

std::vector<std::string> RelevanceStage::Validate(const Options&, const llm::LlmConfig& llm) {
  return llm.Validate(kId);
}

Result<std::unique_ptr<kafka::Stage>> RelevanceStage::Build(const Options&,
                                                            const kafka::StageContext& c) {
  const llm::LlmEndpoint endpoint = c.llm.For(kId);
  auto s = std::make_unique<BuiltRelevance>(
      kId, std::vector<std::string>{kafka::kRelevanceRequests},
      kafka::DefaultInFlight(c.max_in_flight, !endpoint.url.empty(), c.llm.concurrency));
  if (endpoint.url.empty()) {
    s->judge = std::make_unique<ExtractiveJudge>();
  } else {
    s->llm_probe = std::make_unique<llm::LlmProbe>(c.registry);
    s->probe = std::make_unique<RelevanceProbe>(c.registry);
    auto client = llm::MakeChatClient(c.llm, kId, s->llm_probe.get());
    if (!client) return client.error();
    s->client = std::move(client.value());
    LlmJudgeOptions jo;
    jo.model = endpoint.model;
    jo.display_name = "llm:" + jo.model;
    auto judge = LlmRelevanceJudge::Create(*s->client, jo, s->probe.get());
    if (!judge) return judge.error();
    s->judge = std::move(judge.value());
  }
  s->SetHandler(std::make_unique<RelevanceWorker>(c.store, *s->judge));
  return std::unique_ptr<kafka::Stage>(std::move(s));
}

}  // namespace longforge::workers
