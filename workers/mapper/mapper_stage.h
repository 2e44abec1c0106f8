#pragma once
// The mapper stage: lf.chunked → lf.mapped. One card per reading chunk (an LLM call, or
// the extractive baseline's rules), stored as the document's map beside its chunk table.

#include "longforge/kafka/stage.h"
#include "workers/mapper/mapper_worker.h"

namespace longforge::workers {

struct MapperStage {
  static constexpr PipelineStage kId = PipelineStage::kMapper;
  using Options = MapperOptions;
  static std::vector<std::string> Validate(const Options& options, const llm::LlmConfig& llm);
  static Result<std::unique_ptr<kafka::Stage>> Build(const Options& options,
                                                     const kafka::StageContext& context);
};

}  // namespace longforge::workers
