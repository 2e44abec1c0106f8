#include "longforge/common/stage.h"

namespace longforge {

const char* StageName(PipelineStage stage) {
  switch (stage) {
    case PipelineStage::kChunker:
      return "chunker";
    case PipelineStage::kMapper:
      return "mapper";
    case PipelineStage::kQuestioner:
      return "questioner";
    case PipelineStage::kRelevance:
      return "relevance";
    case PipelineStage::kAnswer:
      return "answer";
    case PipelineStage::kFilter:
      return "filter";
    case PipelineStage::kSink:
      return "sink";
  }
  return "unknown";
}

std::optional<PipelineStage> ParsePipelineStage(std::string_view name) {
  for (PipelineStage stage : kPipelineStages) {
    if (name == StageName(stage)) return stage;
  }
  return std::nullopt;
}

}  // namespace longforge
