#include "longforge/llm/chat.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace longforge::llm {
namespace {

TEST(CallKind, NamesRoundTripAndKeepTheirHeaderValues) {
  std::set<std::string> names;
  for (CallKind kind : kCallKinds) {
    names.insert(CallKindName(kind));
    EXPECT_EQ(ParseCallKind(CallKindName(kind)), kind);
  }
  // Fake and simulated LLM servers route on these header values: they must not change.
  EXPECT_EQ(names, (std::set<std::string>{"keywords", "relevance", "answer", "plan", "question",
                                          "judge", "route", "reduce", "map", "closedbook"}));
  EXPECT_EQ(ParseCallKind("filter"), std::nullopt);
  EXPECT_EQ(ParseCallKind(""), std::nullopt);
}

TEST(CallKind, EachKindIsMadeByItsPipelineStage) {
  EXPECT_EQ(CallingStage(CallKind::kKeywords), PipelineStage::kAnswer);
  EXPECT_EQ(CallingStage(CallKind::kPlan), PipelineStage::kAnswer);
  EXPECT_EQ(CallingStage(CallKind::kAnswer), PipelineStage::kAnswer);
  EXPECT_EQ(CallingStage(CallKind::kQuestion), PipelineStage::kQuestioner);
  EXPECT_EQ(CallingStage(CallKind::kJudge), PipelineStage::kFilter);
  EXPECT_EQ(CallingStage(CallKind::kRelevance), PipelineStage::kRelevance);
  EXPECT_EQ(CallingStage(CallKind::kRoute), PipelineStage::kQuestioner);
  EXPECT_EQ(CallingStage(CallKind::kReduce), PipelineStage::kAnswer);
  EXPECT_EQ(CallingStage(CallKind::kMap), PipelineStage::kMapper);
  EXPECT_EQ(CallingStage(CallKind::kClosedBook), PipelineStage::kFilter);
}

}  // namespace
}  // namespace longforge::llm
