#pragma once
// The answer stage: lf.relevance.results → lf.answers (and, for multi-hop questions,
// lf.relevance.requests: Lv3 sub-questions). Gathers every result of a task, retrieves
// evidence with BM25 within the budget and answers; multi-hop needs an LLM to plan, so
// with the extractive baseline level 3 runs as level 2.

#include "longforge/kafka/stage.h"
#include "workers/answer/answer_worker.h"
#include "workers/answer/retriever.h"

namespace longforge::workers {

struct AnswerStageOptions {
  AnswerOptions answer;
  RetrievalOptions retrieval;
};

struct AnswerStage {
  static constexpr PipelineStage kId = PipelineStage::kAnswer;
  using Options = AnswerStageOptions;
  static std::vector<std::string> Validate(const Options& options, const llm::LlmConfig& llm);
  static Result<std::unique_ptr<kafka::Stage>> Build(const Options& options,
                                                     const kafka::StageContext& context);
};

}  // namespace longforge::workers
