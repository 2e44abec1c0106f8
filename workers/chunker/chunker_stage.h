#pragma once
// The chunker stage: lf.documents → lf.chunked. Splits each document (from the store)
// into reading chunks and publishes the chunk table with the supplied questions.

#include "longforge/kafka/stage.h"
#include "workers/chunker/chunker_worker.h"

namespace longforge::workers {

struct ChunkerStage {
  static constexpr PipelineStage kId = PipelineStage::kChunker;
  using Options = ChunkerOptions;
  static std::vector<std::string> Validate(const Options& options, const llm::LlmConfig& llm);
  static Result<std::unique_ptr<kafka::Stage>> Build(const Options& options,
                                                     const kafka::StageContext& context);
};

}  // namespace longforge::workers
