#include "workers/relevance/quote_grounding.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace longforge::workers {
namespace {

using Quotes = std::vector<std::string>;

TEST(GroundQuotes, KeepsQuotesAsTheyAppearInTheChunk) {
  const std::string chunk = "Paris is the capital of France.\nThe bicycle was invented\n  in 1817.";
  const GroundedQuotes g = GroundQuotes(
      chunk, {"The bicycle was invented in 1817.", "Paris  is the capital\tof France."});
  EXPECT_EQ(g.dropped, 0u);
  EXPECT_EQ(g.kept,
            (Quotes{"The bicycle was invented\n  in 1817.", "Paris is the capital of France."}));
  for (const auto& q : g.kept) EXPECT_NE(chunk.find(q), std::string::npos) << q;
}

TEST(GroundQuotes, DropsInventedQuotesAndKeepsARecasedOneOnce) {
  const GroundedQuotes g =
      GroundQuotes("Paris is the capital of France.",
                   {"Berlin is the capital of Germany.", "paris is the capital of france.",
                    "Paris is the capital of France."});
  EXPECT_EQ(g.dropped, 1u);
  EXPECT_EQ(g.repaired, 1u);
  EXPECT_EQ(g.kept, Quotes{"Paris is the capital of France."});
}

// Small models rarely copy perfectly: a quote with a word dropped, its punctuation, case
// or width changed is kept as the chunk's own text; an invented one is still dropped.
TEST(GroundQuotes, AlignsSloppyQuotesWithTheChunk) {
  const std::string chunk =
      "The keeper rowed across the bay every morning. The lighthouse at Harbor 7 was "
      "painted red in 1807.\nNobody else went there.";
  const auto one = [&](const std::string& quote) { return GroundQuotes(chunk, {quote}); };
  // A word and the full stop dropped.
  auto g = one("The lighthouse at Harbor 7 was painted in 1807");
  EXPECT_EQ(g.kept, Quotes{"The lighthouse at Harbor 7 was painted red in 1807"});
  EXPECT_EQ(g.repaired, 1u);
  EXPECT_EQ(g.dropped, 0u);
  // Punctuation changed, case changed, full-width letters.
  EXPECT_EQ(one("The keeper rowed across the bay, every morning!").kept,
            Quotes{"The keeper rowed across the bay every morning"});
  EXPECT_EQ(one("THE KEEPER ROWED ACROSS THE BAY EVERY MORNING").kept,
            Quotes{"The keeper rowed across the bay every morning"});
  EXPECT_EQ(one("Ｔｈｅ ｋｅｅｐｅｒ ｒｏｗｅｄ ａｃｒｏｓｓ ｔｈｅ ｂａｙ").kept,
            Quotes{"The keeper rowed across the bay"});
  // Invented, or too little of it found; too short to align.
  g = one("The keeper sailed to France with his brother every winter");
  EXPECT_TRUE(g.kept.empty());
  EXPECT_EQ(g.dropped, 1u);
  EXPECT_EQ(g.repaired, 0u);
  EXPECT_TRUE(one("Painted Red").kept.empty());
  // A changed number is another claim.
  EXPECT_TRUE(one("The lighthouse at Harbor 7 was painted red in 1907").kept.empty());
}

TEST(GroundQuotes, AlignsSloppyChineseQuotes) {
  const std::string chunk = "宝玉笑道：“林妹妹来了。”黛玉听了，便往潇湘馆去了。众人都散了。";
  const auto one = [&](const std::string& quote) { return GroundQuotes(chunk, {quote}); };
  // Punctuation dropped, then a character dropped too.
  EXPECT_EQ(one("黛玉听了便往潇湘馆去了").kept, Quotes{"黛玉听了，便往潇湘馆去了"});
  EXPECT_EQ(one("黛玉听了便潇湘馆去了").kept, Quotes{"黛玉听了，便往潇湘馆去了"});
  // Half-width punctuation for full-width.
  EXPECT_EQ(one("宝玉笑道:\"林妹妹来了.\"").kept, Quotes{"宝玉笑道：“林妹妹来了"});
  // Invented.
  const auto g = one("凤姐笑着往稻香村去了");
  EXPECT_TRUE(g.kept.empty());
  EXPECT_EQ(g.dropped, 1u);
}

TEST(GroundQuotes, TrimsTrailingPunctuationAndEllipses) {
  const GroundedQuotes g =
      GroundQuotes("Section 2 Results\nThe yield rose by 4 percent; costs fell.",
                   {"Section 2 Results.", "...The yield rose by 4 percent.", "costs fell!!"});
  EXPECT_EQ(g.dropped, 0u);
  EXPECT_EQ(g.kept, (Quotes{"Section 2 Results", "The yield rose by 4 percent", "costs fell"}));
}

TEST(GroundQuotes, MatchesChineseAcrossHardLineBreaks) {
  const std::string chunk = "德莱斯于1817年发明了\n自行车。巴黎是法国的首都，位于塞纳河畔。";
  const GroundedQuotes g = GroundQuotes(
      chunk,
      {"德莱斯于1817年发明了自行车。", "巴黎是法国的首都，位于塞纳河畔。", "柏林是德国的首都。"});
  EXPECT_EQ(g.dropped, 1u);
  EXPECT_EQ(g.kept, (Quotes{"德莱斯于1817年发明了\n自行车。", "巴黎是法国的首都，位于塞纳河畔。"}));
}

TEST(GroundQuotes, TreatsFullWidthAndNonBreakingSpacesAsWhitespace) {
  const GroundedQuotes g = GroundQuotes("第一章\u3000开始。Mr.\u00a0Smith arrived.",
                                        {"第一章 开始。", "Mr. Smith arrived."});
  EXPECT_EQ(g.dropped, 0u);
  EXPECT_EQ(g.kept, (Quotes{"第一章\u3000开始。", "Mr.\u00a0Smith arrived."}));
}

TEST(GroundQuotes, DeduplicatesAndDropsEmptyQuotes) {
  const GroundedQuotes g = GroundQuotes("One. Two.", {"One.", " One. ", "", "  "});
  EXPECT_EQ(g.kept, Quotes{"One."});
  EXPECT_EQ(g.dropped, 2u);
}

TEST(GroundQuotes, LongQuotesOnALongChunkStayFast) {
  // Periodic text is the worst case for a naive search: every position almost matches.
  std::string chunk;
  for (int i = 0; i < 20'000; ++i) chunk += "ab ";
  std::string near_miss;
  for (int i = 0; i < 2'000; ++i) near_miss += "ab ";
  near_miss += "ac";
  const std::string hit = chunk.substr(300, 4'000);
  std::vector<std::string> quotes(50, near_miss);
  quotes.push_back(hit);
  const GroundedQuotes g = GroundQuotes(chunk, quotes);
  EXPECT_EQ(g.dropped, 50u);
  ASSERT_EQ(g.kept.size(), 1u);
}

TEST(TrimQuotePunctuation, DropsWhatModelsAddAroundAQuote) {
  EXPECT_EQ(TrimQuotePunctuation("...The yield rose.\u3000"), "The yield rose");
  EXPECT_EQ(TrimQuotePunctuation("自行车发明于1817年。」"), "自行车发明于1817年");
  EXPECT_EQ(TrimQuotePunctuation("None."), "None");
  EXPECT_EQ(TrimQuotePunctuation("…"), "");
}

}  // namespace
}  // namespace longforge::workers
