#include "workers/chunker/chunker_stage.h"

#include "longforge/kafka/topics.h"
#include "workers/chunker/chunker_probe.h"

namespace longforge::workers {
std::vector<std::string> ChunkerStage::Validate(const Options& options, const llm::LlmConfig&) {
  return options.Validate();
}

Result<std::unique_ptr<kafka::Stage>> ChunkerStage::Build(const Options& options,
                                                          const kafka::StageContext& context) {
  auto s =
      std::make_unique<kafka::BasicStage>(kId, std::vector<std::string>{kafka::kDocuments},
                                          kafka::DefaultInFlight(context.max_in_flight, false, 0));
  auto* probe = s->Own(std::make_unique<ChunkerProbe>(context.registry));
  s->SetHandler(std::make_unique<ChunkerWorker>(options, context.store, context.counter, probe));
  return std::unique_ptr<kafka::Stage>(std::move(s));
}

}  // namespace longforge::workers
