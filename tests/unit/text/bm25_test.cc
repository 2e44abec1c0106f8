#include "longforge/text/bm25.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "longforge/text/analyzer.h"

namespace longforge::text {
namespace {

using Terms = std::vector<std::string>;

// N = 5 documents, lengths 3 4 4 2 2, avgdl = 3.
// Document frequencies: cat 4, dog 3, sat 2, log mat bird fish 1.
//   raw idf: df 1 -> ln(4.5/1.5) = 1.0986122886681098, df 2 -> ln(3.5/2.5) = 0.3364722366,
//            df 3 -> ln(2.5/3.5) = -0.3364722366,     df 4 -> ln(1.5/4.5) = -1.0986122887
//   mean idf over the 7 terms = (4 * 1.0986 + 0.3365 - 0.3365 - 1.0986) / 7 = 0.4708338380
//   floor = 0.25 * mean = 0.11770845950015461, given to cat and dog.
// Expected scores computed with python3 from the formula in bm25.h, e.g. "log" in doc 1:
//   f = 2, |d| = 4: 1.0986122886681098 * 2 * 2.5 / (2 + 1.5 * (0.25 + 0.75 * 4 / 3))
//   = 1.4175642434427222.
std::vector<Terms> SmallCorpus() {
  return {{"cat", "sat", "mat"},
          {"dog", "sat", "log", "log"},
          {"cat", "cat", "dog", "bird"},
          {"fish", "cat"},
          {"cat", "dog"}};
}

constexpr double kTolerance = 1e-12;

TEST(Bm25Index, IdfMatchesHandComputedValuesWithNegativeFloor) {
  const auto docs = SmallCorpus();
  const Bm25Index index(docs);
  EXPECT_EQ(index.size(), 5u);
  EXPECT_EQ(index.vocabulary_size(), 7u);
  EXPECT_NEAR(index.Idf("log"), 1.0986122886681098, kTolerance);
  EXPECT_NEAR(index.Idf("sat"), 0.33647223662121295, kTolerance);
  // Negative idf (cat: -1.0986, dog: -0.3365) is replaced by 0.25 * mean idf.
  EXPECT_NEAR(index.Idf("cat"), 0.11770845950015461, kTolerance);
  EXPECT_NEAR(index.Idf("dog"), 0.11770845950015461, kTolerance);
  EXPECT_EQ(index.Idf("unknown"), 0.0);
}

TEST(Bm25Index, ScoresMatchHandComputedValues) {
  const auto docs = SmallCorpus();
  const Bm25Index index(docs);
  const std::vector<double> expected_cat_log = {0.1177084595001546, 1.4175642434427222,
                                                0.15188188322600593, 0.1384805405884172,
                                                0.1384805405884172};
  const std::vector<double> got = index.Scores({"cat", "log"});
  ASSERT_EQ(got.size(), expected_cat_log.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], expected_cat_log[i], kTolerance);
  }

  const std::vector<double> expected_mat_dog = {1.0986122886681098, 0.10235518217404749,
                                                0.10235518217404749, 0.0, 0.1384805405884172};
  const std::vector<double> got2 = index.Scores({"mat", "dog"});
  for (std::size_t i = 0; i < got2.size(); ++i) {
    EXPECT_NEAR(got2[i], expected_mat_dog[i], kTolerance);
  }
}

TEST(Bm25Index, RepeatedQueryTermCountsOncePerOccurrence) {
  const auto docs = SmallCorpus();
  const Bm25Index index(docs);
  // rank_bm25 sums over the query list as given: ["log", "log"] doubles the score.
  EXPECT_NEAR(index.Scores({"log", "log"})[1], 2.8351284868854445, kTolerance);
  EXPECT_NEAR(index.Scores({"log", "log"})[1], 2 * index.Scores({"log"})[1], kTolerance);
}

TEST(Bm25Index, QueryOrdersByScoreThenIndex) {
  const auto docs = SmallCorpus();
  const Bm25Index index(docs);
  const auto hits = index.Query({"cat", "log"}, 3);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].doc, 1u);
  EXPECT_EQ(hits[1].doc, 2u);
  EXPECT_EQ(hits[2].doc, 3u);  // docs 3 and 4 tie; the lower index comes first
  EXPECT_NEAR(hits[2].score, 0.1384805405884172, kTolerance);

  const auto all = index.Query({"log"}, 100);
  ASSERT_EQ(all.size(), 5u);  // non-matching documents are ranked too, with score 0
  EXPECT_EQ(all[0].doc, 1u);
  EXPECT_EQ(all[1], (Bm25Hit{0, 0.0}));
  EXPECT_EQ(all[4], (Bm25Hit{4, 0.0}));
  EXPECT_TRUE(index.Query({"log"}, 0).empty());
}

TEST(Bm25Index, UnknownTermsScoreZero) {
  const auto docs = SmallCorpus();
  const Bm25Index index(docs);
  for (double s : index.Scores({"zebra", "unicorn"})) {
    EXPECT_EQ(s, 0.0);
  }
  for (double s : index.Scores({})) {
    EXPECT_EQ(s, 0.0);
  }
}

TEST(Bm25Index, EmptyCorpusAndEmptyDocuments) {
  const Bm25Index empty(std::vector<Terms>{});
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_TRUE(empty.Query({"cat"}, 5).empty());

  const Bm25Index blanks(std::vector<Terms>{{}, {}});
  EXPECT_EQ(blanks.size(), 2u);
  const auto hits = blanks.Query({"cat"}, 5);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].score, 0.0);
}

TEST(Bm25Index, CustomParametersChangeScores) {
  const auto docs = SmallCorpus();
  // b = 0: no length normalisation; "log" in doc 1: 1.0986 * 2 * 2.5 / (2 + 1.5) = 1.569446...
  const Bm25Index index(docs, Bm25Options{.k1 = 1.5, .b = 0.0, .epsilon = 0.25});
  EXPECT_NEAR(index.Scores({"log"})[1], 1.0986122886681098 * 5.0 / 3.5, kTolerance);
  // epsilon = 0: negative idf becomes 0.
  const Bm25Index no_floor(docs, Bm25Options{.k1 = 1.5, .b = 0.75, .epsilon = 0.0});
  EXPECT_EQ(no_floor.Idf("cat"), 0.0);
}

TEST(Bm25Options, ValidateReportsEveryProblem) {
  EXPECT_TRUE(Bm25Options{}.Validate().empty());
  const auto problems = Bm25Options{.k1 = -1.0, .b = 2.0, .epsilon = -0.5}.Validate();
  EXPECT_EQ(problems.size(), 3u);
  const Status bad = InvalidOptions("bm25 options", problems);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("k1"), std::string::npos);
  EXPECT_NE(bad.error().message.find("b must"), std::string::npos);
  EXPECT_NE(bad.error().message.find("epsilon"), std::string::npos);
  EXPECT_THROW(Bm25Index(SmallCorpus(), Bm25Options{.k1 = -1.0}), std::invalid_argument);
}

TEST(Bm25Index, FromTextsMatchesStemmedForms) {
  Analyzer analyzer;
  const std::vector<std::string_view> texts = {
      "The old man runs to the river every morning.",
      "A quiet library full of dusty books.",
      "Children were running across the field.",
      "The river froze in the long winter.",
      "Snow covered the mountain pass.",
  };
  const Bm25Index index = Bm25Index::FromTexts(texts, analyzer);
  // "run" is in 2 of 5 documents: idf ln(3.5 / 2.5) > 0.
  const auto hits = index.Query(analyzer.Analyze("run"), 5);
  ASSERT_EQ(hits.size(), 5u);
  EXPECT_GT(hits[0].score, 0.0);
  EXPECT_GT(hits[1].score, 0.0);
  EXPECT_EQ(hits[2].score, 0.0);
  EXPECT_TRUE((hits[0].doc == 0 && hits[1].doc == 2) || (hits[0].doc == 2 && hits[1].doc == 0));
}

}  // namespace
}  // namespace longforge::text
