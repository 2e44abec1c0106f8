#include "workers/questioner/questioner_stage.h"

#include "longforge/kafka/topics.h"
#include "longforge/llm/llm_config.h"
#include "workers/questioner/extractive_generator.h"
#include "workers/questioner/llm_generator.h"

namespace longforge::workers {
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
  auto s = std::make_unique<kafka::BasicStage>(
      kId, std::vector<std::string>{kafka::kMapped, kafka::kSubquestions, kafka::kRelevanceCredits},
      kafka::DefaultInFlight(c.max_in_flight, !endpoint.url.empty(), c.llm.concurrency));
  QuestionGenerator* generator = nullptr;
  ScopeRouter* router = nullptr;
  if (endpoint.url.empty()) {
    generator = s->Own(std::make_unique<ExtractiveQuestionGenerator>());
    router = s->Own(MakeRuleScopeRouter());
  } else {
    auto client = llm::ConnectLlm(*s, c);
    if (!client) return client.error();
    LlmGeneratorOptions go;
    go.model = endpoint.model;
    go.display_name = "llm:" + go.model;
    generator = s->Own(std::make_unique<LlmQuestionGenerator>(*client.value(), go));
    router = s->Own(MakeLlmScopeRouter(*client.value(), endpoint.model));
  }
  auto* probe = s->Own(std::make_unique<QuestionerProbe>(c.registry));
  const BenchmarkIndex* benchmark = nullptr;
  if (!options.decontaminate.empty()) {
    auto index = BenchmarkIndex::Load(options.decontaminate, options.near_duplicate_threshold);
    if (!index) return index.error();
    benchmark = s->Own(std::make_unique<BenchmarkIndex>(std::move(index.value())));
  }
  Options resolved = options;
  // --level unset: the cascade when an LLM answers (its answers can be wrong and checked
  // cheaply first); the extractive baseline reads every chunk at `level`.
  if (!resolved.cascade) resolved.cascade = !c.llm.For(PipelineStage::kAnswer).url.empty();
  s->SetHandler(
      std::make_unique<QuestionerWorker>(resolved, c.store, generator, probe, router, benchmark));
  return std::unique_ptr<kafka::Stage>(std::move(s));
}

}  // namespace longforge::workers
