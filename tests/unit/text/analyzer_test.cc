#include "longforge/text/analyzer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace longforge::text {
namespace {

using Terms = std::vector<std::string>;

std::size_t CodePoints(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) {
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }
  return n;
}

TEST(Analyzer, StemsEnglishWordsToACommonForm) {
  Analyzer analyzer;
  EXPECT_EQ(analyzer.Analyze("running runs run"), (Terms{"run", "run", "run"}));
  EXPECT_EQ(analyzer.Analyze("Generously generous"), analyzer.Analyze("generous generous"));
}

TEST(Analyzer, DropsStopWordsPunctuationAndCase) {
  Analyzer analyzer;
  EXPECT_EQ(analyzer.Analyze("The CAT and the Dog!!! ... , ;"), (Terms{"cat", "dog"}));
  EXPECT_TRUE(analyzer.Analyze("the of and, to it is").empty());
  EXPECT_TRUE(analyzer.Analyze("").empty());
}

TEST(Analyzer, FoldsUnicodeCaseAndCurlyApostrophes) {
  Analyzer analyzer;
  EXPECT_EQ(analyzer.Analyze("STRASSE"), analyzer.Analyze("Straße"));
  EXPECT_EQ(analyzer.Analyze("Pierre’s"), analyzer.Analyze("Pierre's"));
  EXPECT_EQ(analyzer.Analyze("Pierre's"), analyzer.Analyze("pierre"));
  EXPECT_TRUE(analyzer.Analyze("don’t").empty());  // a stop-word however it is typed
  EXPECT_EQ(analyzer.Analyze("ΣΟΦΙΑ"), analyzer.Analyze("σοφια"));
}

TEST(Analyzer, KeepsNumbers) {
  Analyzer analyzer;
  EXPECT_EQ(analyzer.Analyze("In 1812, 3.5 miles"), (Terms{"1812", "3.5", "mile"}));
}

TEST(Analyzer, SegmentsChineseIntoDictionaryWordsWithoutStopWords) {
  Analyzer analyzer;
  const Terms terms = analyzer.Analyze("贾宝玉和林黛玉在大观园里读书，看见了许多的丫鬟。");
  ASSERT_FALSE(terms.empty());
  std::size_t multi = 0;
  for (const std::string& t : terms) {
    EXPECT_NE(t, "的");
    EXPECT_NE(t, "和");
    EXPECT_NE(t, "了");
    EXPECT_NE(t, "，");
    multi += CodePoints(t) >= 2;
  }
  EXPECT_GE(multi, 3u) << "expected dictionary words such as 读书, 看见, 许多, 丫鬟";
}

TEST(Analyzer, MixedScriptAndInvalidUtf8) {
  Analyzer analyzer;
  const Terms terms = analyzer.Analyze("Beijing 北京 \xff\xfe runs\xE7\xBA");
  ASSERT_GE(terms.size(), 3u);
  EXPECT_EQ(terms.front(), "beij");
  EXPECT_EQ(terms[1], "北京");
}

TEST(Analyzer, AnalyzeIntoAppends) {
  Analyzer analyzer;
  Terms terms{"keep"};
  analyzer.AnalyzeInto("cats", terms);
  EXPECT_EQ(terms, (Terms{"keep", "cat"}));
}

TEST(IsStopWord, CoversEnglishAndChineseFunctionWords) {
  EXPECT_TRUE(IsStopWord("the"));
  EXPECT_TRUE(IsStopWord("的"));
  EXPECT_TRUE(IsStopWord("我们"));
  EXPECT_FALSE(IsStopWord("river"));
  EXPECT_FALSE(IsStopWord("The"));  // callers fold first
}

}  // namespace
}  // namespace longforge::text
