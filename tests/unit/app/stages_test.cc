#include "stages.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <filesystem>

#include "longforge/kafka/topics.h"
#include "longforge/store/document_store.h"
#include "longforge/text/token_counter.h"

namespace longforge::app {
namespace {

namespace fs = std::filesystem;

// What every stage borrows, with the extractive baseline (no LLM).
struct Context {
  Context() : dir(fs::temp_directory_path() / ("lf-stages-" + std::to_string(::getpid()))) {
    fs::remove_all(dir);
    store = std::move(store::DocumentStore::Open((dir / "store").string()).value());
    counter = std::move(text::LoadTokenCounter("").value());
    config.sink.sink.out_dir = (dir / "out").string();
  }
  ~Context() { fs::remove_all(dir); }
  kafka::StageContext For(std::size_t max_in_flight) {
    return {*store, *counter, registry, config.llm, max_in_flight};
  }
  fs::path dir;
  std::unique_ptr<store::DocumentStore> store;
  std::unique_ptr<text::TokenCounter> counter;
  prometheus::Registry registry;
  PipelineConfig config;
};

TEST(Stages, TableListsEveryStageOnceInPipelineOrder) {
  ASSERT_EQ(Stages().size(), kPipelineStages.size());
  for (std::size_t i = 0; i < Stages().size(); ++i) {
    EXPECT_EQ(Stages()[i].id, kPipelineStages[i]);
    EXPECT_EQ(StageFor(kPipelineStages[i]).id, kPipelineStages[i]);
  }
  EXPECT_EQ(StageNames(), (std::vector<std::string>{"chunker", "mapper", "questioner", "relevance",
                                                    "answer", "filter", "sink"}));
}

TEST(Stages, EachBuildsItsHandlerAndNamesItsInputTopics) {
  Context c;
  const std::map<PipelineStage, std::vector<std::string>> inputs = {
      {PipelineStage::kChunker, {kafka::kDocuments}},
      {PipelineStage::kMapper, {kafka::kChunked}},
      {PipelineStage::kQuestioner,
       {kafka::kMapped, kafka::kSubquestions, kafka::kRelevanceCredits}},
      {PipelineStage::kRelevance, {kafka::kRelevanceRequests}},
      {PipelineStage::kAnswer, {kafka::kRelevanceResults}},
      {PipelineStage::kFilter, {kafka::kAnswers}},
      {PipelineStage::kSink, {kafka::kDataset, kafka::kRejected}}};
  for (const StageEntry& entry : Stages()) {
    auto stage = entry.build(c.config, c.For(0));
    ASSERT_TRUE(stage.ok()) << StageName(entry.id) << ": " << stage.error().message;
    EXPECT_EQ((*stage)->id(), entry.id);
    EXPECT_EQ((*stage)->inputs(), inputs.at(entry.id)) << StageName(entry.id);
    EXPECT_GT((*stage)->max_in_flight(), 0u);
    EXPECT_TRUE((*stage)->Finish().ok()) << StageName(entry.id);
  }
}

TEST(Stages, MaxInFlightIsTheSameForEveryStage) {
  Context c;
  for (const StageEntry& entry : Stages()) {
    auto stage = entry.build(c.config, c.For(17));
    ASSERT_TRUE(stage.ok()) << stage.error().message;
    EXPECT_EQ((*stage)->max_in_flight(), 17u) << StageName(entry.id);
  }
}

TEST(Stages, DefaultInFlightIsTwiceTheLlmConcurrencyForStagesThatCallAnLlm) {
  EXPECT_EQ(kafka::DefaultInFlight(0, false, 512), 256u);
  EXPECT_EQ(kafka::DefaultInFlight(0, true, 64), 256u);
  EXPECT_EQ(kafka::DefaultInFlight(0, true, 512), 1024u);
  EXPECT_EQ(kafka::DefaultInFlight(9, true, 512), 9u);
}

TEST(Stages, ValidateListsTheProblemsOfEveryNamedStageAtOnce) {
  PipelineConfig config;  // no --out: the sink cannot run
  config.chunker.chunk_tokens = 0;
  config.llm.all.url = "http://127.0.0.1:1/v1";  // an LLM without a model
  const auto problems = config.Validate({kPipelineStages.begin(), kPipelineStages.end()});
  const auto mentions = [&](const std::string& what) {
    for (const auto& p : problems) {
      if (p.find(what) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(mentions("chunk")) << ::testing::PrintToString(problems);
  EXPECT_TRUE(mentions("out")) << ::testing::PrintToString(problems);
  EXPECT_TRUE(mentions("relevance: an LLM URL needs a model"))
      << ::testing::PrintToString(problems);
  EXPECT_TRUE(mentions("answer: an LLM URL needs a model")) << ::testing::PrintToString(problems);
  // Only the stages asked about are checked.
  EXPECT_TRUE(config.Validate({PipelineStage::kRelevance}).size() < problems.size());
}

}  // namespace
}  // namespace longforge::app
