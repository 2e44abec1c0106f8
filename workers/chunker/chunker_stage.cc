#include "workers/chunker/chunker_stage.h"

#include "longforge/kafka/topics.h"
#include "workers/chunker/chunker_probe.h"

namespace longforge::workers {
namespace {

class BuiltChunker final : public kafka::BasicStage {
 public:
  BuiltChunker(const ChunkerOptions& options, const kafka::StageContext& c)
      : BasicStage(ChunkerStage::kId, {kafka::kDocuments},
                   kafka::DefaultInFlight(c.max_in_flight, false, 0)),
        probe_(c.registry) {
    handler_ = std::make_unique<ChunkerWorker>(options, c.store, c.counter, &probe_);
  }
  ~BuiltChunker() override { handler_.reset(); }

 private:
  ChunkerProbe probe_;
};

}  // namespace

std::vector<std::string> ChunkerStage::Validate(const Options& options, const llm::LlmConfig&) {
  return options.Validate();
}

Result<std::unique_ptr<kafka::Stage>> ChunkerStage::Build(const Options& options,
                                                          const kafka::StageContext& context) {
  return std::unique_ptr<kafka::Stage>(std::make_unique<BuiltChunker>(options, context));
}

}  // namespace longforge::workers
