#include "workers/questioner/benchmark_index.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace longforge::workers {
namespace {

constexpr const char* kLong =
    "In the novel Moby Dick, what is the name of the ship whose captain lost his leg to the "
    "white whale on an earlier voyage?";
constexpr const char* kChinese = "在红楼梦中，贾宝玉出生时口中衔着的那块通灵宝玉上刻着哪几个字？";

std::string Write(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

class BenchmarkIndexTest : public ::testing::Test {
 protected:
  BenchmarkIndex Load(const std::string& text, double threshold = 0.7) {
    file_ = Write(dir_, "bench.jsonl", text);
    auto index = BenchmarkIndex::Load({file_}, threshold);
    if (!index) ADD_FAILURE() << index.error().message;
    return index ? std::move(index.value()) : BenchmarkIndex(threshold);
  }
  TempDir dir_;
  std::string file_;
};

TEST_F(BenchmarkIndexTest, ACopiedQuestionMatchesEvenWithOtherCaseAndPunctuation) {
  const auto index = Load(std::string("{\"question\": \"") + kLong + "\", \"answer\": \"x\"}\n");
  ASSERT_EQ(index.size(), 1u);
  for (const std::string& q :
       {std::string(kLong), std::string("IN THE NOVEL MOBY-DICK: what is the name of the ship, "
                                        "whose captain lost his leg to the white whale on an "
                                        "earlier voyage!!")}) {
    const auto m = index.Match(q);
    ASSERT_TRUE(m.has_value()) << q;
    EXPECT_EQ(m->source, file_ + ":1");
    EXPECT_EQ(m->item, kLong);
    EXPECT_EQ(m->method, "ngram");
  }
}

TEST_F(BenchmarkIndexTest, AThirteenWordRunInsideALongerQuestionMatches) {
  const auto index = Load(std::string(kLong) + "\n");
  const auto m = index.Match(
      "Answer from the chapter: what is the name of the ship whose captain lost his leg to the "
      "white whale, and who owned it?");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->method, "ngram");
}

TEST_F(BenchmarkIndexTest, ADifferentQuestionDoesNotMatch) {
  const auto index = Load(std::string(kLong) + "\n" + kChinese + "\nWho wrote Hamlet?\n");
  EXPECT_FALSE(
      index.Match("Why does Ishmael go to sea at the start of the book, and where "
                  "does he first meet Queequeg?"));
  EXPECT_FALSE(index.Match("林黛玉为什么在葬花时哭泣，她写下的诗叫什么名字？"));
  EXPECT_FALSE(index.Match("Who wrote Macbeth and when was it first performed?"));
}

TEST_F(BenchmarkIndexTest, ChineseIsMatchedByCharacterThirteenGramsAcrossWidthAndPunctuation) {
  const auto index = Load(std::string("{\"question\":\"") + kChinese + "\"}\n");
  // Full-width comma and question mark turned half-width, and a prefix added.
  const auto m =
      index.Match("请回答：在红楼梦中,贾宝玉出生时口中衔着的那块通灵宝玉上刻着哪几个字?");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->method, "ngram");
  EXPECT_EQ(m->item, kChinese);
  // Eleven characters of it in a row are not enough.
  EXPECT_FALSE(index.Match("贾宝玉出生时口中衔着的东西后来被谁拿走了？请结合后文的描写说明原因"));
}

TEST_F(BenchmarkIndexTest, ShortItemsMatchWholeOrInsideAQuestionFromSixTokens) {
  const auto index = Load("Who wrote Hamlet?\nWhat is the capital city of France?\n");
  const auto equal = index.Match("WHO wrote hamlet");
  ASSERT_TRUE(equal.has_value());
  EXPECT_EQ(equal->method, "whole");
  EXPECT_EQ(equal->source, file_ + ":1");
  const auto inside = index.Match("According to the atlas, what is the capital city of France?");
  ASSERT_TRUE(inside.has_value());
  EXPECT_EQ(inside->method, "whole");
  EXPECT_EQ(inside->source, file_ + ":2");
  // Three words inside a longer question are not a copy.
  EXPECT_FALSE(index.Match("Who wrote Hamlet's letters to Ophelia in the second act, and why?"));
}

TEST_F(BenchmarkIndexTest, ANearDuplicateMatchesByMinHashUnlessItsNumbersDiffer) {
  const auto index = Load("Which harbour did the whaler Pequod leave from in 1851\n");
  const auto m = index.Match("which harbour did the whaler pequod leave in 1851");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->method, "minhash");
  EXPECT_FALSE(index.Match("which harbour did the whaler pequod leave in 1852"));
}

TEST_F(BenchmarkIndexTest, ALowerThresholdCatchesLooserNearDuplicates) {
  const std::string item = "Which harbour did the whaler Pequod leave from\n";
  const std::string loose = "from which harbour did the old whaler Pequod finally leave";
  EXPECT_FALSE(Load(item, 0.9).Match(loose));
  EXPECT_TRUE(Load(item, 0.3).Match(loose));
}

TEST_F(BenchmarkIndexTest, PlainAndJsonLinesMixAndEmptyLinesAreSkipped) {
  const auto index = Load("\n{\"question\": \"Who wrote Hamlet?\"}\n\n   \nWho wrote Faust?\r\n");
  ASSERT_EQ(index.size(), 2u);
  ASSERT_TRUE(index.Match("who wrote faust"));
  EXPECT_EQ(index.Match("who wrote faust")->source, file_ + ":5");
  EXPECT_EQ(index.Match("who wrote hamlet")->source, file_ + ":2");
}

TEST_F(BenchmarkIndexTest, AMissingFileIsAStopErrorNamingIt) {
  const auto index = BenchmarkIndex::Load({dir_ / "missing.jsonl"}, 0.7);
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.error().disposition, Disposition::kStop);
  EXPECT_NE(index.error().message.find(dir_ / "missing.jsonl"), std::string::npos)
      << index.error().message;
}

TEST_F(BenchmarkIndexTest, ABadJsonLineIsAStopErrorNamingFileAndLine) {
  const std::string good = Write(dir_, "good.txt", "Who wrote Hamlet?\n");
  for (const auto& [text, why] : std::vector<std::pair<std::string, std::string>>{
           {"{\"question\": \"ok\"}\n{\"question\": \"broken\n", "not valid JSON"},
           {"{\"question\": \"ok\"}\n{\"prompt\": \"no question\"}\n", "string \"question\""},
           {"{\"question\": \"ok\"}\n{\"question\": 7}\n", "string \"question\""}}) {
    const std::string bad = Write(dir_, "bad.jsonl", text);
    const auto index = BenchmarkIndex::Load({good, bad}, 0.7);
    ASSERT_FALSE(index.ok()) << text;
    EXPECT_EQ(index.error().disposition, Disposition::kStop);
    EXPECT_NE(index.error().message.find(bad + ":2: "), std::string::npos) << index.error().message;
    EXPECT_NE(index.error().message.find(why), std::string::npos) << index.error().message;
  }
}

TEST_F(BenchmarkIndexTest, IndexesAHundredThousandItemsQuickly) {
  std::string text;
  for (int i = 0; i < 100000; ++i) {
    text += "{\"question\": \"In passage " + std::to_string(i) +
            ", which of the characters named in the story travels furthest from home, and "
            "why does item " +
            std::to_string(i * 7) + " matter?\"}\n";
  }
  const auto start = std::chrono::steady_clock::now();
  const auto index = Load(text);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(index.size(), 100000u);
  const auto m = index.Match(
      "in passage 4242 which of the characters named in the story travels furthest from home "
      "and why does item 29694 matter");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->source, file_ + ":4243");
  EXPECT_LT(seconds, 30.0);  // a generous bound for a loaded 2-core machine
  std::cout << "indexed 100000 items in " << seconds << " s\n";
}

}  // namespace
}  // namespace longforge::workers
