#include "workers/questioner/question_sampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
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

// Source chunks of every sample, counted by depth decile (chunk index over chunk count).
std::array<int, 10> ByDecile(const std::vector<ChunkSample>& samples, uint32_t n) {
  std::array<int, 10> deciles{};
  for (const auto& s : samples) {
    for (const uint32_t c : s.chunks) ++deciles[uint64_t{c} * 10 / n];
  }
  return deciles;
}

// 25 questions of a 300-chunk document: 20 singles and 5 pairs, 30 source chunks.
constexpr uint32_t kLongDocChunks = 300;
constexpr uint32_t kQuestions = 25;

// What sampling does today: singles one per tenth of the book, but a pair's first chunk
// anywhere a partner fits 20% further on and the partner anywhere after it, so over 200
// documents the last tenth holds about three times the pair chunks of the first.
TEST(SampleChunks, WithoutBalanceDepthPairsCrowdTheEnd) {
  const SamplingOptions o;
  std::array<int, 10> pair_chunks{};
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const auto samples = SampleChunks(Chunks(kLongDocChunks), kQuestions, o, seed);
    ASSERT_EQ(samples.size(), kQuestions);
    std::vector<ChunkSample> singles, pairs;
    for (const auto& s : samples) (s.chunks.size() == 1 ? singles : pairs).push_back(s);
    EXPECT_EQ(ByDecile(singles, kLongDocChunks),
              (std::array<int, 10>{2, 2, 2, 2, 2, 2, 2, 2, 2, 2}));
    const auto d = ByDecile(pairs, kLongDocChunks);
    for (std::size_t i = 0; i < 10; ++i) pair_chunks[i] += d[i];
  }
  EXPECT_GT(pair_chunks[9], 2 * pair_chunks[0]);
  EXPECT_GT(pair_chunks[9], 2 * pair_chunks[2]);
}

TEST(SampleChunks, BalanceDepthGivesEveryDecileItsShareOfSourceChunks) {
  SamplingOptions o;
  o.balance_depth = true;
  const auto chunks = Chunks(kLongDocChunks);
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const auto samples = SampleChunks(chunks, kQuestions, o, seed);
    ASSERT_EQ(samples.size(), kQuestions);
    // 30 strata of 10 chunks: three source chunks in every tenth of the book.
    EXPECT_EQ(ByDecile(samples, kLongDocChunks),
              (std::array<int, 10>{3, 3, 3, 3, 3, 3, 3, 3, 3, 3}))
        << "seed " << seed;
    std::size_t pairs = 0;
    for (const auto& s : samples) {
      if (s.chunks.size() != 2) continue;
      ++pairs;
      EXPECT_GE(chunks[s.chunks[1]].begin - chunks[s.chunks[0]].end, 300'000u * 2 / 10);
    }
    EXPECT_EQ(pairs, 5u);
  }
  EXPECT_EQ(SampleChunks(chunks, kQuestions, o, 7)[22].chunks,
            SampleChunks(chunks, kQuestions, o, 7)[22].chunks);  // deterministic
}

TEST(SampleChunks, BalanceDepthKeepsTheGapAndChangesNothingWithoutPairs) {
  SamplingOptions balanced;
  balanced.balance_depth = true;
  balanced.min_hop_gap = 0.9;  // more than strata half a document apart can hold
  const auto chunks = Chunks(kLongDocChunks);
  for (uint64_t seed = 0; seed < 20; ++seed) {
    for (const auto& s : SampleChunks(chunks, 10, balanced, seed)) {
      if (s.chunks.size() == 2) {
        EXPECT_GE(chunks[s.chunks[1]].begin - chunks[s.chunks[0]].end, 300'000u * 9 / 10);
      }
    }
  }
  // Singles alone are one per stratum either way; so is a document with fewer chunks
  // than strata.
  SamplingOptions plain;
  plain.multi_hop_share = balanced.multi_hop_share = 0;
  balanced.min_hop_gap = plain.min_hop_gap;
  const auto same = [&](uint32_t n, uint32_t count) {
    const auto a = SampleChunks(Chunks(n), count, plain, 3);
    const auto b = SampleChunks(Chunks(n), count, balanced, 3);
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const auto& x, const auto& y) { return x.chunks == y.chunks; });
  };
  EXPECT_TRUE(same(kLongDocChunks, 20));
  plain.multi_hop_share = balanced.multi_hop_share = 0.2;
  EXPECT_TRUE(same(20, 25));  // 20 singles and 5 pairs want 30 strata
  EXPECT_FALSE(same(kLongDocChunks, 25));
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
