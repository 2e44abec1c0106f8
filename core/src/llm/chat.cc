#include "longforge/llm/chat.h"

namespace longforge::llm {

ChatClient::~ChatClient() = default;

const char* StageName(Stage stage) {
  switch (stage) {
    case Stage::kKeywords:
      return "keywords";
    case Stage::kRelevance:
      return "relevance";
    case Stage::kAnswer:
      return "answer";
    case Stage::kPlan:
      return "plan";
    case Stage::kQuestion:
      return "question";
    case Stage::kJudge:
      return "judge";
  }
  return "unknown";
}

std::optional<Stage> ParseStage(std::string_view name) {
  for (Stage stage : kAllStages) {
    if (name == StageName(stage)) return stage;
  }
  return std::nullopt;
}

}  // namespace longforge::llm
