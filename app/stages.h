#pragma once
// The pipeline's stages as one typed table (redpanda lists its handlers the same way):
// each entry names a stage descriptor of workers/<stage>/<stage>_stage.h. Adding a stage
// is its folder plus one line here and its options in PipelineConfig.

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "longforge/common/stage.h"
#include "longforge/kafka/stage.h"
#include "longforge/llm/llm_config.h"
#include "workers/answer/answer_stage.h"
#include "workers/chunker/chunker_stage.h"
#include "workers/filter/filter_stage.h"
#include "workers/mapper/mapper_stage.h"
#include "workers/questioner/questioner_stage.h"
#include "workers/relevance/relevance_stage.h"
#include "workers/sink/sink_stage.h"

namespace longforge::app {

// Every stage's options, as the command line fills them.
struct PipelineConfig {
  workers::ChunkerStage::Options chunker;
  workers::MapperStage::Options mapper;
  workers::QuestionerStage::Options questioner;
  workers::RelevanceStage::Options relevance;
  workers::AnswerStage::Options answer;
  workers::FilterStage::Options filter;
  workers::SinkStage::Options sink;
  llm::LlmConfig llm;
  std::size_t max_in_flight = 0;  // --max-in-flight: per stage; 0 = kafka::DefaultInFlight

  // Every problem of every stage in `stages`, at once.
  std::vector<std::string> Validate(const std::vector<PipelineStage>& stages) const;
};

// One row of the table: a stage's id and its descriptor's two entry points.
struct StageEntry {
  PipelineStage id;
  std::vector<std::string> (*validate)(const PipelineConfig& config);
  Result<std::unique_ptr<kafka::Stage>> (*build)(const PipelineConfig& config,
                                                 const kafka::StageContext& context);
};

// In pipeline order, one entry per PipelineStage.
const std::array<StageEntry, kPipelineStages.size()>& Stages();
const StageEntry& StageFor(PipelineStage id);

// Every stage name, for the command line.
std::vector<std::string> StageNames();

}  // namespace longforge::app
