#include "longforge/llm/llm_config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

namespace longforge::llm {
namespace {

// The endpoint every stage resolves to, as "url model" ("" for none).
std::map<PipelineStage, std::string> Resolved(const LlmConfig& c) {
  std::map<PipelineStage, std::string> out;
  for (const PipelineStage stage : kPipelineStages) {
    const auto e = c.For(stage);
    out[stage] = e.url.empty() && e.model.empty() ? "" : e.url + " " + e.model;
  }
  return out;
}

constexpr PipelineStage kM = PipelineStage::kMapper, kQ = PipelineStage::kQuestioner,
                        kR = PipelineStage::kRelevance, kA = PipelineStage::kAnswer,
                        kF = PipelineStage::kFilter, kC = PipelineStage::kChunker,
                        kS = PipelineStage::kSink;

TEST(LlmConfig, NoUrlMeansEveryStageIsExtractive) {
  const auto r = Resolved(LlmConfig{});
  for (const PipelineStage stage : kPipelineStages) EXPECT_EQ(r.at(stage), "") << StageName(stage);
  EXPECT_EQ(LlmConfig{}.Describe(), "extractive (no LLM)");
}

TEST(LlmConfig, TheSharedEndpointReachesEveryLlmStageAndNeitherChunkerNorSink) {
  LlmConfig c;
  c.all = {"http://all/v1", "m"};
  const auto r = Resolved(c);
  for (const PipelineStage stage : {kM, kQ, kR, kA, kF}) {
    EXPECT_EQ(r.at(stage), "http://all/v1 m") << StageName(stage);
  }
  EXPECT_EQ(r.at(kC), "");
  EXPECT_EQ(r.at(kS), "");
  EXPECT_EQ(c.Describe(), "mapper, questioner, relevance, answer, filter: llm:m at http://all/v1");
}

// Each stage's own flags set that stage alone, with or without the shared endpoint.
TEST(LlmConfig, EachStagesOwnEndpointReachesThatStageOnly) {
  const std::map<PipelineStage, LlmEndpoint LlmConfig::*> own = {{kM, &LlmConfig::map},
                                                                 {kQ, &LlmConfig::question},
                                                                 {kR, &LlmConfig::relevance},
                                                                 {kA, &LlmConfig::answer},
                                                                 {kF, &LlmConfig::judge}};
  for (const bool shared : {false, true}) {
    for (const auto& [stage, field] : own) {
      LlmConfig c;
      if (shared) c.all = {"http://all/v1", "m"};
      c.*field = {"http://own/v1", "own-model"};
      const auto r = Resolved(c);
      for (const auto& [other, unused] : own) {
        const std::string expected =
            other == stage ? "http://own/v1 own-model" : (shared ? "http://all/v1 m" : "");
        EXPECT_EQ(r.at(other), expected) << StageName(stage) << "'s flags, seen by "
                                         << StageName(other) << ", shared " << shared;
      }
      EXPECT_EQ(r.at(kC), "");
      EXPECT_EQ(r.at(kS), "");
    }
  }
}

TEST(LlmConfig, UrlAndModelFallBackToTheSharedFlagsSeparately) {
  LlmConfig c;
  c.all = {"http://all/v1", "m"};
  c.question.url = "http://q/v1";  // model from --llm-model
  c.judge.model = "judge-model";   // URL from --llm-url
  const auto r = Resolved(c);
  EXPECT_EQ(r.at(kQ), "http://q/v1 m");
  EXPECT_EQ(r.at(kF), "http://all/v1 judge-model");
  EXPECT_EQ(r.at(kR), "http://all/v1 m");
  EXPECT_EQ(r.at(kA), "http://all/v1 m");
}

TEST(LlmConfig, TheAnswerEndpointNoLongerReachesTheQuestionerOrTheFilter) {
  LlmConfig c;
  c.answer = {"http://answer/v1", "a"};
  const auto r = Resolved(c);
  EXPECT_EQ(r.at(kA), "http://answer/v1 a");
  EXPECT_EQ(r.at(kM), "");
  EXPECT_EQ(r.at(kQ), "");
  EXPECT_EQ(r.at(kR), "");
  EXPECT_EQ(r.at(kF), "");
  EXPECT_EQ(c.Describe(),
            "mapper, questioner, relevance, filter: extractive (no LLM); answer: llm:a at "
            "http://answer/v1");
}

TEST(LlmConfig, DescribeNamesEveryLlmStagesEndpoint) {
  LlmConfig c;
  c.all = {"http://gpu/v1", "small"};
  c.answer = {"http://big/v1", "large"};
  c.judge = {"http://big/v1", "large"};
  EXPECT_EQ(c.Describe(),
            "mapper, questioner, relevance: llm:small at http://gpu/v1; answer, filter: llm:large "
            "at http://big/v1");
}

TEST(LlmConfig, ValidateNamesTheStageAndItsOwnModelFlag) {
  LlmConfig c;
  c.question.url = "http://q/v1";
  c.judge.url = "ftp://j/v1";
  EXPECT_TRUE(c.Validate(kR).empty());
  EXPECT_TRUE(c.Validate(kC).empty());
  const auto has = [](const std::vector<std::string>& problems, const std::string& what) {
    return std::find(problems.begin(), problems.end(), what) != problems.end();
  };
  const auto q = c.Validate(kQ);
  EXPECT_TRUE(has(q, "questioner: an LLM URL needs a model (--llm-model or --question-llm-model)"))
      << ::testing::PrintToString(q);
  const auto f = c.Validate(kF);
  EXPECT_TRUE(has(f, "filter: an LLM URL needs a model (--llm-model or --judge-llm-model)"))
      << ::testing::PrintToString(f);
  EXPECT_TRUE(has(f, "filter: base_url must start with http:// or https:// (got \"ftp://j/v1\")"))
      << ::testing::PrintToString(f);
}

}  // namespace
}  // namespace longforge::llm
