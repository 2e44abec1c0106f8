#include "workers/answer/answer_stage.h"

#include "longforge/kafka/topics.h"
#include "longforge/llm/llm_config.h"
#include "workers/answer/keywords.h"
#include "workers/answer/llm_answer.h"
#include "workers/answer/planner.h"

namespace longforge::workers {
namespace {

class BuiltAnswer final : public kafka::BasicStage {
 public:
  using BasicStage::BasicStage;
  // The client goes first: it fails its outstanding calls, whose callbacks may still use
  // the handler and the backends.
  ~BuiltAnswer() override {
    client.reset();
    handler_.reset();
  }
  void SetHandler(std::unique_ptr<kafka::Handler> h) { handler_ = std::move(h); }
  std::unique_ptr<llm::LlmProbe> llm_probe;
  std::unique_ptr<AnswerBackend> backend;
  std::unique_ptr<Retriever> retriever;
  std::unique_ptr<KeywordSource> keywords;
  std::unique_ptr<Planner> planner;
  std::unique_ptr<llm::ChatClient> client;
};

}  // namespace

std::vector<std::string> AnswerStage::Validate(const Options& options, const llm::LlmConfig& llm) {
  auto problems = options.answer.Validate();
  for (auto more : {options.retrieval.Validate(), llm.Validate(kId)}) {
    problems.insert(problems.end(), more.begin(), more.end());
  }
  return problems;
}

Result<std::unique_ptr<kafka::Stage>> AnswerStage::Build(const Options& options,
                                                         const kafka::StageContext& c) {
  const llm::LlmEndpoint endpoint = c.llm.For(kId);
  // The results a task holds while it gathers are parked (AnswerWorker::Parked), not
  // work in progress, so the answer stage takes the same bound as every other stage.
  auto s = std::make_unique<BuiltAnswer>(
      kId, std::vector<std::string>{kafka::kRelevanceResults},
      kafka::DefaultInFlight(c.max_in_flight, !endpoint.url.empty(), c.llm.concurrency));
  if (endpoint.url.empty()) {
    s->backend = MakeExtractiveAnswerBackend();
    s->keywords = MakeExtractiveKeywordSource();
  } else {
    s->llm_probe = std::make_unique<llm::LlmProbe>(c.registry);
    auto client = llm::MakeChatClient(c.llm, kId, s->llm_probe.get());
    if (!client) return client.error();
    s->client = std::move(client.value());
    LlmAnswerOptions ao;
    ao.model = endpoint.model;
    s->backend = std::make_unique<LlmAnswerBackend>(*s->client, ao);
    LlmKeywordOptions ko;
    ko.model = ao.model;
    s->keywords = MakeLlmKeywordSource(*s->client, ko);
    s->planner = MakeLlmPlanner(*s->client, ao.model);
  }
  s->retriever = std::make_unique<Retriever>(c.store, c.counter, options.retrieval);
  auto worker = std::make_unique<AnswerWorker>(options.answer, *s->backend, s->retriever.get(),
                                               s->keywords.get());
  if (s->planner) worker->EnableMultiHop(s->planner.get(), &c.store);
  s->SetHandler(std::move(worker));
  return std::unique_ptr<kafka::Stage>(std::move(s));
}

}  // namespace longforge::workers
