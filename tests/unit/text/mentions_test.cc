#include "longforge/text/mentions.h"

#include <gtest/gtest.h>

#include "longforge/text/outline.h"

namespace longforge::text {
namespace {

using Offsets = std::vector<std::size_t>;

TEST(FindMentions, FindsANameAsWrittenOrInCapitalsAtWordBounds) {
  const std::string text = "Stubb spoke. STUBB: Aye. Stubb's pipe. Stubbs ran. stubb? xStubb";
  EXPECT_EQ(FindMentions(text, "Stubb"), (Offsets{0, 13, 25}));
  // A capitalised word is not the lower-case one.
  EXPECT_EQ(FindMentions("Fate led him; fate is blind.", "Fate"), Offsets{0});
  EXPECT_TRUE(FindMentions(text, "").empty());
  EXPECT_TRUE(FindMentions("Ahab", "Ahab the captain").empty());
  EXPECT_TRUE(Mentions(text, "Stubb"));
  EXPECT_FALSE(Mentions(text, "Flask"));
}

TEST(FindMentions, FindsChineseNamesAnywhere) {
  const std::string text = "宝玉笑道：“林妹妹来了。”黛玉不答。贾宝玉又说。";
  EXPECT_EQ(FindMentions(text, "宝玉").size(), 2u);
  EXPECT_EQ(FindMentions(text, "黛玉").size(), 1u);
  EXPECT_FALSE(Mentions(text, "凤姐"));
}

TEST(QuotedPhrases, TakesWhatTheQuestionQuotesInOrder) {
  EXPECT_EQ(QuotedPhrases("How many chapters mention \"Queequeg\"? Answer with a number."),
            std::vector<std::string>{"Queequeg"});
  EXPECT_EQ(QuotedPhrases("(A) \"he sails\"; (B) \" \"; (C) \"she waits \""),
            (std::vector<std::string>{"he sails", "she waits"}));
  EXPECT_EQ(QuotedPhrases("排列：(A)“宝玉挨打”；(B)「黛玉葬花」"),
            (std::vector<std::string>{"宝玉挨打", "黛玉葬花"}));
  EXPECT_TRUE(QuotedPhrases("Who is Ahab? An \"unclosed quote").empty());
}

TEST(IsNamePhrase, NamesAreShortEventsAreNot) {
  EXPECT_TRUE(IsNamePhrase("Queequeg"));
  EXPECT_TRUE(IsNamePhrase("Cape of Good"));
  EXPECT_FALSE(IsNamePhrase("Ahab nailed the doubloon to the mast"));
  EXPECT_TRUE(IsNamePhrase("蒋玉菡"));
  EXPECT_FALSE(IsNamePhrase("宝玉先迎着贾琏跪下"));
}

TEST(HeadingLabel, KeepsTheKeywordAndNumber) {
  EXPECT_EQ(HeadingLabel("CHAPTER 3. The Spouter-Inn."), "CHAPTER 3");
  EXPECT_EQ(HeadingLabel("BOOK ONE: 1805"), "BOOK ONE");
  EXPECT_EQ(HeadingLabel("Chapter XII"), "Chapter XII");
  EXPECT_EQ(HeadingLabel("第一回 甄士隐梦幻识通灵　贾雨村风尘怀闺秀"), "第一回");
  EXPECT_EQ(HeadingLabel("第一二零回 甄士隐详说太虚情"), "第一二零回");
  EXPECT_EQ(HeadingLabel("EPILOGUE"), "EPILOGUE");
  EXPECT_EQ(HeadingLabel("# Introduction"), "# Introduction");
}

}  // namespace
}  // namespace longforge::text

namespace longforge::text {
namespace {

TEST(FigureFor, ReadsTheWholeNumberStatedForALabel) {
  EXPECT_EQ(FigureFor("Revenue was 1,250 crowns.", "Revenue")->value, 1250);
  EXPECT_EQ(FigureFor("Revenue: $980.", "Revenue")->value, 980);
  EXPECT_EQ(FigureFor("Net income of 42 thousand... no: Net income of 42.", "Net income")->value,
            42);
  EXPECT_EQ(FigureFor("营业收入为1250元。", "营业收入")->value, 1250);
  EXPECT_EQ(FigureFor("营业收入：300", "营业收入")->value, 300);
  // A decimal or a figure in millions is not a whole figure to add up.
  EXPECT_EQ(FigureFor("Revenue was 12.5 crowns.", "Revenue"), std::nullopt);
  EXPECT_EQ(FigureFor("Revenue was 12 million crowns.", "Revenue"), std::nullopt);
  EXPECT_EQ(FigureFor("Revenue fell sharply.", "Revenue"), std::nullopt);
  EXPECT_EQ(FigureFor("revenue was 5", "Revenue"), std::nullopt);
}

TEST(StatedFigures, FindsEveryLabelledFigureInOrder) {
  const auto f = StatedFigures(
      "In the north, Revenue was 1,250 crowns. Staff numbered many. Net income was 30. "
      "Ships were 4. 本年营业收入为800元。");
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0].label, "Revenue");
  EXPECT_EQ(f[0].value, 1250);
  EXPECT_EQ(f[1].label, "Net income");
  EXPECT_EQ(f[2].label, "Ships");
  EXPECT_EQ(f[3].label, "营业收入");
  EXPECT_EQ(f[3].value, 800);
}

}  // namespace
}  // namespace longforge::text
