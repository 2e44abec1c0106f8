#pragma once
// The sink stage: lf.dataset and lf.rejected → files under --out, idempotent by sample
// id. When its input has ended it can sort the dataset by context length. `longforge
// stats` reads what it wrote (dataset_stats.h).

#include "longforge/kafka/stage.h"
#include "workers/sink/dataset_stats.h"
#include "workers/sink/sink_worker.h"
#include "workers/sink/trainer_export.h"

namespace longforge::workers {

struct SinkStageOptions {
  SinkOptions sink;
  bool order_by_length = false;  // --order length: sort dataset.jsonl when the stage stops
};

struct SinkStage {
  static constexpr PipelineStage kId = PipelineStage::kSink;
  using Options = SinkStageOptions;
  static std::vector<std::string> Validate(const Options& options, const llm::LlmConfig& llm);
  static Result<std::unique_ptr<kafka::Stage>> Build(const Options& options,
                                                     const kafka::StageContext& context);
};

}  // namespace longforge::workers
