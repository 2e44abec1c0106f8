#include "longforge/text/text_match.h"

#include <gtest/gtest.h>

namespace longforge::text {
namespace {

using Tokens = std::vector<std::string>;

TEST(FilterTextMatch, MatchTokensFoldsCaseDropsPunctuationAndSplitsHanByCharacter) {
  EXPECT_EQ(MatchTokens("Karl DRAIS, 1817!"), (Tokens{"karl", "drais", "1817"}));
  EXPECT_EQ(MatchTokens("德莱斯在1817年。"), (Tokens{"德", "莱", "斯", "在", "1817", "年"}));
  EXPECT_EQ(MatchTokens("Café au lait"), (Tokens{"café", "au", "lait"}));
  EXPECT_TRUE(MatchTokens("  ...  ").empty());
}

TEST(FilterTextMatch, MatchTokensFoldFullWidthFormsAndNonAsciiCase) {
  // u_foldCase alone left "１８１７" and "ＫＡＲＬ" in full width, matching nothing.
  EXPECT_EQ(MatchTokens("１８１７年"), (Tokens{"1817", "年"}));
  EXPECT_EQ(MatchTokens("ＫＡＲＬ Drais"), (Tokens{"karl", "drais"}));
  EXPECT_EQ(MatchTokens("ΣΟΦΊΑ"), Tokens{"σοφία"});
  EXPECT_EQ(MatchTokens("서울은 크다"), (Tokens{"서울은", "크다"}));  // Korean keeps its words
  EXPECT_EQ(MatchTokens("a\xFF"
                        "b"),
            (Tokens{"a", "b"}));
  EXPECT_TRUE(ContainsReference("他生于１８１７年。", "1817年"));
}

TEST(FilterTextMatch, NormalizeAnswerDropsArticlesPunctuationAndExtraSpace) {
  EXPECT_EQ(NormalizeAnswer("  The   Bicycle! "), "bicycle");
  EXPECT_EQ(NormalizeAnswer("An apple, a pear"), "apple pear");
  EXPECT_EQ(NormalizeAnswer("德莱斯。"), NormalizeAnswer("德莱斯"));
}

TEST(FilterTextMatch, TokenF1ScoresOverlap) {
  EXPECT_DOUBLE_EQ(TokenF1("Karl Drais", "karl drais"), 1.0);
  EXPECT_DOUBLE_EQ(TokenF1("Karl", "Karl Drais"), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(TokenF1("Edison", "Karl Drais"), 0.0);
  EXPECT_DOUBLE_EQ(TokenF1("", ""), 1.0);
  EXPECT_DOUBLE_EQ(TokenF1("一八一七年", "一八一七年发明"), 2 * (5.0 / 7.0) / (1 + 5.0 / 7.0));
}

TEST(FilterTextMatch, RougeLRecallIsTheInOrderShareOfTheAnswer) {
  EXPECT_DOUBLE_EQ(RougeLRecall({"a", "b", "c"}, {"a", "x", "b", "y", "c"}), 1.0);
  EXPECT_DOUBLE_EQ(RougeLRecall({"c", "b", "a"}, {"a", "b", "c"}), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(RougeLRecall({}, {"a"}), 1.0);
  EXPECT_DOUBLE_EQ(RougeLRecall({"a"}, {}), 0.0);
}

TEST(FilterTextMatch, ContainsReferenceAsAWholeRunOfTokens) {
  EXPECT_TRUE(ContainsReference("The first director was Amelia Hart, in 1931.", "Amelia Hart"));
  EXPECT_TRUE(ContainsReference("创办人是陈文远。", "陈文远"));
  EXPECT_FALSE(ContainsReference("The first director was Amelia Hartley.", "Amelia Hart"));
  EXPECT_FALSE(ContainsReference("Anything at all", ""));
}

}  // namespace
}  // namespace longforge::text
