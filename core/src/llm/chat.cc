#include "longforge/llm/chat.h"

namespace longforge::llm {

ChatClient::~ChatClient() = default;

const char* CallKindName(CallKind kind) {
  switch (kind) {
    case CallKind::kKeywords:
      return "keywords";
    case CallKind::kRelevance:
      return "relevance";
    case CallKind::kAnswer:
      return "answer";
    case CallKind::kPlan:
      return "plan";
    case CallKind::kQuestion:
      return "question";
    case CallKind::kJudge:
      return "judge";
    case CallKind::kRoute:
      return "route";
    case CallKind::kReduce:
      return "reduce";
    case CallKind::kMap:
      return "map";
    case CallKind::kClosedBook:
      return "closedbook";
  }
  return "unknown";
}

std::optional<CallKind> ParseCallKind(std::string_view name) {
  for (CallKind kind : kCallKinds) {
    if (name == CallKindName(kind)) return kind;
  }
  return std::nullopt;
}

PipelineStage CallingStage(CallKind kind) {
  switch (kind) {
    case CallKind::kKeywords:
    case CallKind::kPlan:
    case CallKind::kAnswer:
    case CallKind::kReduce:
      return PipelineStage::kAnswer;
    case CallKind::kQuestion:
    case CallKind::kRoute:
      return PipelineStage::kQuestioner;
    case CallKind::kJudge:
    case CallKind::kClosedBook:
      return PipelineStage::kFilter;
    case CallKind::kRelevance:
      return PipelineStage::kRelevance;
    case CallKind::kMap:
      return PipelineStage::kMapper;
  }
  return PipelineStage::kAnswer;  // unreachable: the switch covers every kind
}

}  // namespace longforge::llm
