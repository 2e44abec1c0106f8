#include "workers/filter/filter_stage.h"

#include "longforge/kafka/topics.h"
#include "longforge/llm/llm_config.h"
#include "workers/filter/answer_judge.h"
#include "workers/filter/filter_probe.h"

namespace longforge::workers {
std::vector<std::string> FilterStage::Validate(const Options& options, const llm::LlmConfig& llm) {
  auto problems = options.Validate();
  const auto more = llm.Validate(kId);
  problems.insert(problems.end(), more.begin(), more.end());
  return problems;
}

Result<std::unique_ptr<kafka::Stage>> FilterStage::Build(const Options& options,
                                                         const kafka::StageContext& c) {
  const llm::LlmEndpoint endpoint = c.llm.For(kId);
  auto s = std::make_unique<kafka::BasicStage>(
      kId, std::vector<std::string>{kafka::kAnswers},
      kafka::DefaultInFlight(c.max_in_flight, !endpoint.url.empty(), c.llm.concurrency));
  auto* probe = s->Own(std::make_unique<FilterProbe>(c.registry));
  AnswerJudge* judge = nullptr;
  ClosedBook* closed_book = nullptr;
  if (!endpoint.url.empty()) {
    auto client = llm::ConnectLlm(*s, c);
    if (!client) return client.error();
    auto made = LlmAnswerJudge::Create(*client.value(), LlmAnswerJudgeOptions{endpoint.model, 256});
    if (!made) return made.error();
    judge = s->Own(std::move(made.value()));
    if (options.closed_book) {
      auto asker =
          LlmClosedBook::Create(*client.value(), LlmClosedBookOptions{endpoint.model, 256});
      if (!asker) return asker.error();
      closed_book = s->Own(std::move(asker.value()));
    }
  }
  // Grounding reads the evidence passages from the store.
  s->SetHandler(std::make_unique<FilterWorker>(options, probe, &c.store, judge, closed_book));
  return std::unique_ptr<kafka::Stage>(std::move(s));
}

}  // namespace longforge::workers
