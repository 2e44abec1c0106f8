#pragma once
// The filter stage: lf.answers → lf.dataset and lf.rejected. Rule checks (grounding
// reads the evidence from the store) and, when the stage has an LLM, an answer judge.

#include "longforge/kafka/stage.h"
#include "workers/filter/filter_worker.h"

namespace longforge::workers {

struct FilterStage {
  static constexpr PipelineStage kId = PipelineStage::kFilter;
  using Options = FilterOptions;
  static std::vector<std::string> Validate(const Options& options, const llm::LlmConfig& llm);
  static Result<std::unique_ptr<kafka::Stage>> Build(const Options& options,
                                                     const kafka::StageContext& context);
};

}  // namespace longforge::workers
