// The LLM flags as the command line parses them, into the endpoint each stage uses.

#include "common_flags.h"

#include <gtest/gtest.h>

#include <string>

namespace longforge::app {
namespace {

PipelineConfig Parse(const std::string& args) {
  PipelineConfig config;
  CLI::App app;
  AddPipelineFlags(app, config);
  app.parse(args, false);
  return config;
}

std::string Url(const PipelineConfig& c, PipelineStage stage) { return c.llm.For(stage).url; }

TEST(CommonFlags, AnswerLlmFlagsLeaveTheQuestionerAndTheFilterExtractive) {
  const auto c = Parse("--answer-llm-url http://answer:8000/v1 --answer-llm-model a");
  EXPECT_EQ(Url(c, PipelineStage::kAnswer), "http://answer:8000/v1");
  EXPECT_EQ(c.llm.For(PipelineStage::kAnswer).model, "a");
  EXPECT_EQ(Url(c, PipelineStage::kQuestioner), "");
  EXPECT_EQ(Url(c, PipelineStage::kFilter), "");
  EXPECT_EQ(Url(c, PipelineStage::kRelevance), "");
}

TEST(CommonFlags, EveryLlmStageHasItsOwnUrlAndModelFlags) {
  const auto c = Parse(
      "--llm-url http://all/v1 --llm-model m "
      "--question-llm-url http://q/v1 --question-llm-model qm "
      "--relevance-llm-url http://r/v1 --relevance-llm-model rm "
      "--answer-llm-url http://a/v1 --answer-llm-model am "
      "--judge-llm-url http://j/v1 --judge-llm-model jm");
  const std::map<PipelineStage, std::string> expected = {
      {PipelineStage::kQuestioner, "http://q/v1 qm"},
      {PipelineStage::kRelevance, "http://r/v1 rm"},
      {PipelineStage::kAnswer, "http://a/v1 am"},
      {PipelineStage::kFilter, "http://j/v1 jm"}};
  for (const auto& [stage, endpoint] : expected) {
    const auto e = c.llm.For(stage);
    EXPECT_EQ(e.url + " " + e.model, endpoint) << StageName(stage);
  }
}

TEST(CommonFlags, StagesWithoutTheirOwnFlagsUseTheSharedOnes) {
  const auto c = Parse("--llm-url http://all/v1 --llm-model m --judge-llm-model big");
  for (const PipelineStage stage :
       {PipelineStage::kQuestioner, PipelineStage::kRelevance, PipelineStage::kAnswer}) {
    EXPECT_EQ(Url(c, stage), "http://all/v1") << StageName(stage);
    EXPECT_EQ(c.llm.For(stage).model, "m") << StageName(stage);
  }
  EXPECT_EQ(Url(c, PipelineStage::kFilter), "http://all/v1");
  EXPECT_EQ(c.llm.For(PipelineStage::kFilter).model, "big");
}

}  // namespace
}  // namespace longforge::app
