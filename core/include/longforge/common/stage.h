#pragma once
// The stages of the pipeline, one vocabulary for every place that names one: the
// `longforge worker NAME` argument, the `worker` label of worker metrics, dead-letter
// records and logs. Strings appear only at those boundaries.

#include <array>
#include <optional>
#include <string_view>

namespace longforge {

enum class PipelineStage { kChunker, kMapper, kQuestioner, kRelevance, kAnswer, kFilter, kSink };

// In pipeline order.
inline constexpr std::array<PipelineStage, 7> kPipelineStages = {
    PipelineStage::kChunker,   PipelineStage::kMapper, PipelineStage::kQuestioner,
    PipelineStage::kRelevance, PipelineStage::kAnswer, PipelineStage::kFilter,
    PipelineStage::kSink};

// "chunker", "mapper", "questioner", "relevance", "answer", "filter", "sink".
const char* StageName(PipelineStage stage);
// Inverse of StageName; nullopt for an unknown name.
std::optional<PipelineStage> ParsePipelineStage(std::string_view name);

}  // namespace longforge
