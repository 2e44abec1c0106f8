#include "workers/mapper/mapper_stage.h"

#include "longforge/kafka/topics.h"
#include "longforge/llm/llm_config.h"

namespace longforge::workers {

std::vector<std::string> MapperStage::Validate(const Options& options, const llm::LlmConfig& llm) {
  auto problems = options.Validate();
  const auto more = llm.Validate(kId);
  problems.insert(problems.end(), more.begin(), more.end());
  return problems;
}

Result<std::unique_ptr<kafka::Stage>> MapperStage::Build(const Options& options,
                                                         const kafka::StageContext& c) {
  const llm::LlmEndpoint endpoint = c.llm.For(kId);
  // A document keeps its message in flight while all its cards are written; the LLM
  // client bounds the calls, so a few documents at a time keep it busy.
  auto s = std::make_unique<kafka::BasicStage>(
      kId, std::vector<std::string>{kafka::kChunked},
      kafka::DefaultInFlight(c.max_in_flight, !endpoint.url.empty(), c.llm.concurrency));
  CardWriter* writer = nullptr;
  if (endpoint.url.empty()) {
    writer = s->Own(MakeExtractiveCardWriter());
  } else {
    auto client = llm::ConnectLlm(*s, c);
    if (!client) return client.error();
    writer = s->Own(MakeLlmCardWriter(*client.value(), endpoint.model));
  }
  auto* probe = s->Own(std::make_unique<MapperProbe>(c.registry));
  s->SetHandler(std::make_unique<MapperWorker>(c.store, *writer, probe, options));
  return std::unique_ptr<kafka::Stage>(std::move(s));
}

}  // namespace longforge::workers
