#pragma once
// The answer stage: lf.relevance.results → lf.answers (and, for multi-hop questions,
// lf.relevance.requests: Lv3 sub-questions). Gathers every result of a task, retrieves
// evidence with BM25 within the budget and answers; multi-hop needs an LLM to plan, so
// with the extractive baseline level 3 runs as level 2.

#include <chrono>
#include <optional>

#include "longforge/kafka/stage.h"
#include "workers/answer/answer_worker.h"
#include "workers/answer/retriever.h"

namespace longforge::workers {

struct AnswerStageOptions {
  AnswerOptions answer;  // its gather_timeout is replaced by the one below
  RetrievalOptions retrieval;
  // --gather-timeout: how long a task may make no progress (no new chunk result)
  // before it is answered from what it has and its missing chunks count as lost.
  // Unset: DefaultGatherTimeout of the stage's LLM timeout.
  std::optional<std::chrono::seconds> gather_timeout;
};

// Twice the LLM request timeout, at least 60 s: a task waits out one slow call that
// is tried again before it gives up on its missing chunks (600 s at the defaults).
std::chrono::seconds DefaultGatherTimeout(int llm_timeout_s);

struct AnswerStage {
  static constexpr PipelineStage kId = PipelineStage::kAnswer;
  using Options = AnswerStageOptions;
  static std::vector<std::string> Validate(const Options& options, const llm::LlmConfig& llm);
  static Result<std::unique_ptr<kafka::Stage>> Build(const Options& options,
                                                     const kafka::StageContext& context);
};

}  // namespace longforge::workers
