#include "longforge/text/pattern.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace longforge::text {
namespace {

TEST(Pattern, FindsTheFirstMatchAndItsGroup) {
  const Pattern p("(CHAPTER|BOOK) [IVX]+");
  const auto m = p.Find("see BOOK IV and CHAPTER II");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->begin, 4u);
  EXPECT_EQ(m->end, 11u);
  EXPECT_EQ(m->group, "BOOK");
  EXPECT_FALSE(p.Matches("nothing here"));
}

TEST(Pattern, AnchoredOnlyMatchesAtTheStart) {
  const Pattern anchored("CHAPTER", Pattern::kAnchored);
  EXPECT_TRUE(anchored.Matches("CHAPTER I"));
  EXPECT_FALSE(anchored.Matches("  CHAPTER I"));
}

TEST(Pattern, CaselessFoldsUnicodeAndInvalidUtf8IsMatchedNotRefused) {
  const Pattern p("straße", Pattern::kCaseless);
  EXPECT_TRUE(p.Matches("STRASSE") || p.Matches("STRAßE"));
  EXPECT_TRUE(Pattern("bell").Matches(std::string("\xff\xfe the bell \xc3")));
  EXPECT_TRUE(Pattern("第[一二三]回").Matches("话说第二回"));
}

TEST(Pattern, ABrokenPatternIsABugNamedAtStartUp) {
  try {
    Pattern("(unclosed");
    FAIL() << "no exception";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("offset"), std::string::npos) << e.what();
  }
}

TEST(Pattern, ThreadsShareOnePattern) {
  const Pattern p("\\bbell\\b");
  std::vector<std::thread> threads;
  std::vector<int> hits(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i)
        hits[t] += p.Matches(i % 2 ? "the bell rang" : "the belly") ? 1 : 0;
    });
  }
  for (auto& th : threads) th.join();
  for (int h : hits) EXPECT_EQ(h, 1000);
}

}  // namespace
}  // namespace longforge::text
