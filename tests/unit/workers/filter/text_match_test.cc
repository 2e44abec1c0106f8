#include "workers/filter/text_match.h"

#include <gtest/gtest.h>

#include "workers/filter/answer_rules.h"

namespace longforge::workers {
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

TEST(FilterAnswerRules, IsRefusalMatchesPhrasesNotContent) {
  EXPECT_TRUE(IsRefusal("I don't know."));
  EXPECT_TRUE(IsRefusal("NOT IN EVIDENCE"));
  EXPECT_TRUE(IsRefusal("无法回答"));
  EXPECT_TRUE(IsRefusal("不知道。"));
  EXPECT_FALSE(IsRefusal("In 1817."));
  EXPECT_FALSE(IsRefusal("Nobody knows who drew the first map."));
  EXPECT_FALSE(IsRefusal("他知道答案。"));
  EXPECT_TRUE(IsRefusal("ＮＯＴ ＩＮ ＥＶＩＤＥＮＣＥ！"));
  EXPECT_TRUE(IsRefusal("I DON\u2019T KNOW"));
}

TEST(FilterAnswerRules, AnswerLanguageIsCheckedAgainstTheTasksRecordedLanguage) {
  EXPECT_TRUE(AnswerLanguageDiffers(
      "zh", "The committee decided to rebuild the old bridge before the winter came.", 8));
  EXPECT_FALSE(AnswerLanguageDiffers(
      "en", "The committee decided to rebuild the old bridge before the winter came.", 8));
  EXPECT_FALSE(AnswerLanguageDiffers("zh", "Karl Drais", 8));  // too short to tell
  EXPECT_FALSE(AnswerLanguageDiffers(
      "", "The committee decided to rebuild the old bridge before the winter came.", 8));
}

TEST(FilterAnswerRules, LanguagesDifferOnlyForReliableLongEnoughTexts) {
  EXPECT_TRUE(LanguagesDiffer("What did the committee decide about the bridge?",
                              "委员会决定明年春天开始建造新的桥梁。", 8));
  EXPECT_FALSE(LanguagesDiffer("自行车是谁发明的？", "Karl Drais", 8));
  EXPECT_FALSE(LanguagesDiffer("Who invented the bicycle?", "Karl Drais invented the bicycle.", 8));
  EXPECT_EQ(DetectLanguage("委員會決定明年春天開始建造新的橋樑。"), "zh");
}

}  // namespace
}  // namespace longforge::workers

namespace longforge::workers {
namespace {

TEST(FilterTextMatch, ContainsReferenceAsAWholeRunOfTokens) {
  EXPECT_TRUE(ContainsReference("The first director was Amelia Hart, in 1931.", "Amelia Hart"));
  EXPECT_TRUE(ContainsReference("创办人是陈文远。", "陈文远"));
  EXPECT_FALSE(ContainsReference("The first director was Amelia Hartley.", "Amelia Hart"));
  EXPECT_FALSE(ContainsReference("Anything at all", ""));
}

}  // namespace
}  // namespace longforge::workers
