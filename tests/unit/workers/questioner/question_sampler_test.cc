#include "workers/questioner/question_sampler.h"

#include <gtest/gtest.h>

#include <set>

namespace longforge::workers {
namespace {

std::vector<envelope::ChunkRef> Chunks(uint32_t n, uint64_t size = 1000) {
  std::vector<envelope::ChunkRef> chunks;
  for (uint32_t i = 0; i < n; ++i) chunks.push_back({i, i * size, (i + 1) * size, 250});
  return chunks;
}

TEST(QuestionCount, ScalesWithLengthUnlessFixed) {
  SamplingOptions o;
  EXPECT_EQ(QuestionCount(o, 0), 1u);
  EXPECT_EQ(QuestionCount(o, 49'999), 1u);
  EXPECT_EQ(QuestionCount(o, 50'001), 2u);
  EXPECT_EQ(QuestionCount(o, 10'000'000), 20u);
  o.questions_per_doc = 0;
  EXPECT_EQ(QuestionCount(o, 10'000'000), 0u);
  o.questions_per_doc = 7;
  EXPECT_EQ(QuestionCount(o, 10), 7u);
}

TEST(SampleChunks, SpreadsSinglesOverTheWholeDocument) {
  SamplingOptions o;
  o.multi_hop_share = 0;
  const auto samples = SampleChunks(Chunks(100), 10, o, 42);
  ASSERT_EQ(samples.size(), 10u);
  for (std::size_t s = 0; s < samples.size(); ++s) {
    ASSERT_EQ(samples[s].chunks.size(), 1u);
    EXPECT_GE(samples[s].chunks[0], s * 10) << s;  // one per tenth of the book
    EXPECT_LT(samples[s].chunks[0], (s + 1) * 10) << s;
  }
  EXPECT_EQ(SampleChunks(Chunks(100), 10, o, 42)[3].chunks, samples[3].chunks);  // deterministic
}

TEST(SampleChunks, PairsAreAtLeastTheGapApart) {
  SamplingOptions o;
  o.multi_hop_share = 0.5;
  const auto chunks = Chunks(50);
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const auto samples = SampleChunks(chunks, 10, o, seed);
    std::size_t pairs = 0;
    for (const auto& s : samples) {
      if (s.chunks.size() != 2) continue;
      ++pairs;
      EXPECT_GE(chunks[s.chunks[1]].begin - chunks[s.chunks[0]].end, 50'000u * 2 / 10);
    }
    EXPECT_EQ(pairs + 5, samples.size());
    EXPECT_GE(pairs, 4u);  // a repeated pair is dropped, rarely
  }
}

TEST(SampleChunks, ShortDocumentsGiveFewerSamples) {
  SamplingOptions o;
  const auto samples = SampleChunks(Chunks(2), 10, o, 1);
  EXPECT_EQ(samples.size(), 2u);  // two single chunks; no pair can be 20% apart
  for (const auto& s : samples) EXPECT_EQ(s.chunks.size(), 1u);
  EXPECT_TRUE(SampleChunks({}, 5, o, 1).empty());
}

TEST(SeedOf, IsStable) {
  EXPECT_EQ(SeedOf("doc"), SeedOf("doc"));
  EXPECT_NE(SeedOf("doc"), SeedOf("doc2"));
}

}  // namespace
}  // namespace longforge::workers
