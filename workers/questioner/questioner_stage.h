#pragma once
// The questioner stage: lf.chunked → lf.tasks and lf.relevance.requests. Decides the
// questions asked of a document (supplied and generated: an LLM generator when the
// questioner has an LLM, else the labelled extractive one) and fans each task out.

#include "longforge/kafka/stage.h"
#include "workers/questioner/questioner_worker.h"

namespace longforge::workers {

struct QuestionerStage {
  static constexpr PipelineStage kId = PipelineStage::kQuestioner;
  using Options = QuestionerOptions;
  static std::vector<std::string> Validate(const Options& options, const llm::LlmConfig& llm);
  static Result<std::unique_ptr<kafka::Stage>> Build(const Options& options,
                                                     const kafka::StageContext& context);
};

}  // namespace longforge::workers
