#include "longforge/common/stage.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace longforge {
namespace {

TEST(PipelineStage, NamesRoundTripInPipelineOrder) {
  std::set<std::string> names;
  for (PipelineStage stage : kPipelineStages) {
    names.insert(StageName(stage));
    EXPECT_EQ(ParsePipelineStage(StageName(stage)), stage);
  }
  EXPECT_EQ(names.size(), kPipelineStages.size());
  EXPECT_STREQ(StageName(kPipelineStages.front()), "chunker");
  EXPECT_STREQ(StageName(kPipelineStages.back()), "sink");
}

TEST(PipelineStage, UnknownNamesDoNotParse) {
  EXPECT_EQ(ParsePipelineStage("reducer"), std::nullopt);
  EXPECT_EQ(ParsePipelineStage(""), std::nullopt);
  EXPECT_EQ(ParsePipelineStage("Chunker"), std::nullopt);
}

}  // namespace
}  // namespace longforge
