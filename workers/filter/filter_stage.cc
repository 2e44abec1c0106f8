#include "workers/filter/filter_stage.h"

#include "longforge/kafka/topics.h"
#include "longforge/llm/llm_config.h"
#include "workers/filter/answer_judge.h"
#include "workers/filter/filter_probe.h"

namespace longforge::workers {
namespace {

class BuiltFilter final : public kafka::BasicStage {
 public:
  using BasicStage::BasicStage;
  // The client goes first: it fails its outstanding calls, whose callbacks may still use
  // the handler and the judge.
  ~BuiltFilter() override {
    client.reset();
    handler_.reset();
  }
  void SetHandler(std::unique_ptr<kafka::Handler> h) { handler_ = std::move(h); }
  std::unique_ptr<FilterProbe> probe;
  std::unique_ptr<llm::LlmProbe> llm_probe;
  std::unique_ptr<AnswerJudge> judge;
  std::unique_ptr<llm::ChatClient> client;
};

}  // namespace

std::vector<std::string> FilterStage::Validate(const Options& options, const llm::LlmConfig& llm) {
  auto problems = options.Validate();
  const auto more = llm.Validate(kId);
  problems.insert(problems.end(), more.begin(), more.end());
  return problems;
}

Result<std::unique_ptr<kafka::Stage>> FilterStage::Build(const Options& options,
                                                         const kafka::StageContext& c) {
  const llm::LlmEndpoint endpoint = c.llm.For(kId);
  auto s = std::make_unique<BuiltFilter>(
      kId, std::vector<std::string>{kafka::kAnswers},
      kafka::DefaultInFlight(c.max_in_flight, !endpoint.url.empty(), c.llm.concurrency));
  s->probe = std::make_unique<FilterProbe>(c.registry);
  auto worker = std::make_unique<FilterWorker>(options, s->probe.get());
  worker->SetStore(&c.store);  // grounding reads the evidence passages
  if (!endpoint.url.empty()) {
    s->llm_probe = std::make_unique<llm::LlmProbe>(c.registry);
    auto client = llm::MakeChatClient(c.llm, kId, s->llm_probe.get());
    if (!client) return client.error();
    s->client = std::move(client.value());
    auto judge = LlmAnswerJudge::Create(*s->client, LlmAnswerJudgeOptions{endpoint.model, 256});
    if (!judge) return judge.error();
    s->judge = std::move(judge.value());
    worker->SetJudge(s->judge.get());
  }
  s->SetHandler(std::move(worker));
  return std::unique_ptr<kafka::Stage>(std::move(s));
}

}  // namespace longforge::workers
