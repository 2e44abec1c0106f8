#include "stages.h"

namespace longforge::app {
namespace {

// The entry of descriptor S, whose options live in PipelineConfig::*Member.
template <typename S, auto Member>
constexpr StageEntry Entry() {
  return {S::kId, [](const PipelineConfig& c) { return S::Validate(c.*Member, c.llm); },
          [](const PipelineConfig& c, const kafka::StageContext& ctx) {
            return S::Build(c.*Member, ctx);
          }};
}

constexpr std::array<StageEntry, kPipelineStages.size()> kStages = {
    Entry<workers::ChunkerStage, &PipelineConfig::chunker>(),
    Entry<workers::MapperStage, &PipelineConfig::mapper>(),
    Entry<workers::QuestionerStage, &PipelineConfig::questioner>(),
    Entry<workers::RelevanceStage, &PipelineConfig::relevance>(),
    Entry<workers::AnswerStage, &PipelineConfig::answer>(),
    Entry<workers::FilterStage, &PipelineConfig::filter>(),
    Entry<workers::SinkStage, &PipelineConfig::sink>(),
};

// The table is in PipelineStage order, so an id indexes it.
constexpr bool InPipelineOrder() {
  for (std::size_t i = 0; i < kStages.size(); ++i) {
    if (kStages[i].id != kPipelineStages[i]) return false;
  }
  return true;
}
static_assert(InPipelineOrder(), "kStages must list every stage in pipeline order");

}  // namespace

std::vector<std::string> PipelineConfig::Validate(const std::vector<PipelineStage>& stages) const {
  std::vector<std::string> problems;
  for (PipelineStage id : stages) {
    const auto more = StageFor(id).validate(*this);
    problems.insert(problems.end(), more.begin(), more.end());
  }
  return problems;
}

const std::array<StageEntry, kPipelineStages.size()>& Stages() { return kStages; }

const StageEntry& StageFor(PipelineStage id) { return kStages[static_cast<std::size_t>(id)]; }

std::vector<std::string> StageNames() {
  std::vector<std::string> names;
  for (PipelineStage id : kPipelineStages) names.emplace_back(StageName(id));
  return names;
}

}  // namespace longforge::app
