#pragma once
// The relevance stage: lf.relevance.requests → lf.relevance.results. One judgement per
// request (a chunk and its questions): the LLM judge when the stage has an LLM, else the
// labelled extractive judge.

#include "longforge/kafka/stage.h"

namespace longforge::workers {

// The relevance stage has no options of its own beyond which LLM it talks to.
struct RelevanceOptions {};

struct RelevanceStage {
  static constexpr PipelineStage kId = PipelineStage::kRelevance;
  using Options = RelevanceOptions;
  static std::vector<std::string> Validate(const Options& options, const llm::LlmConfig& llm);
  static Result<std::unique_ptr<kafka::Stage>> Build(const Options& options,
                                                     const kafka::StageContext& context);
};

}  // namespace longforge::workers
