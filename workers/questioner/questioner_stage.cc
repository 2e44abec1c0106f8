#include "workers/questioner/questioner_stage.h"

#include "longforge/kafka/topics.h"
#include "longforge/llm/llm_config.h"
#include "workers/questioner/extractive_generator.h"
#include "workers/questioner/llm_generator.h"

namespace longforge::workers {
namespace {

class BuiltQuestioner final : public kafka::BasicStage {
 public:
  using BasicStage::BasicStage;
  // The client goes first: it fails its outstanding calls, whose callbacks may still use
  // the handler and the generator.
  ~BuiltQuestioner() override {
    client.reset();
    handler_.reset();
  }
  void SetHandler(std::unique_ptr<kafka::Handler> h) { handler_ = std::move(h); }
  std::unique_ptr<llm::LlmProbe> llm_probe;
  std::unique_ptr<QuestionGenerator> generator;
  std::unique_ptr<llm::ChatClient> client;
};

}  // namespace

std::vector<std::string> QuestionerStage::Validate(const Options& options,
                                                   const llm::LlmConfig& llm) {
  auto problems = options.Validate();
  const auto more = llm.Validate(kId);
  problems.insert(problems.end(), more.begin(), more.end());
  return problems;
}

Result<std::unique_ptr<kafka::Stage>> QuestionerStage::Build(const Options& options,
                                                             const kafka::StageContext& c) {
  const llm::LlmEndpoint endpoint = c.llm.For(kId);
  auto s = std::make_unique<BuiltQuestioner>(
      kId, std::vector<std::string>{kafka::kChunked},
      kafka::DefaultInFlight(c.max_in_flight, !endpoint.url.empty(), c.llm.concurrency));
  if (endpoint.url.empty()) {
    s->generator = std::make_unique<ExtractiveQuestionGenerator>();
  } else {
    s->llm_probe = std::make_unique<llm::LlmProbe>(c.registry);
    auto client = llm::MakeChatClient(c.llm, kId, s->llm_probe.get());
    if (!client) return client.error();
    s->client = std::move(client.value());
    LlmGeneratorOptions go;
    go.model = endpoint.model;
    go.display_name = "llm:" + go.model;
    s->generator = std::make_unique<LlmQuestionGenerator>(*s->client, go);
  }
  auto worker = std::make_unique<QuestionerWorker>(options, c.store);
  worker->SetGenerator(s->generator.get());
  s->SetHandler(std::move(worker));
  return std::unique_ptr<kafka::Stage>(std::move(s));
}

}  // namespace longforge::workers
