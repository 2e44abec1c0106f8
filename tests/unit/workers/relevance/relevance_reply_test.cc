#include "workers/relevance/relevance_reply.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace longforge::workers {
namespace {

using Quotes = std::vector<std::string>;

ReplyPart ParseOne(std::string_view reply) {
  const auto parts = ParseRelevanceReply(reply, 1);
  EXPECT_EQ(parts.size(), 1u);
  return parts.empty() ? ReplyPart{} : parts[0];
}

void ExpectQuotes(std::string_view reply, const Quotes& expected) {
  const ReplyPart p = ParseOne(reply);
  EXPECT_EQ(p.kind, ReplyKind::kQuotes) << reply;
  EXPECT_EQ(p.quotes, expected) << reply;
}

void ExpectNone(std::string_view reply) {
  const ReplyPart p = ParseOne(reply);
  EXPECT_EQ(p.kind, ReplyKind::kNone) << reply;
  EXPECT_TRUE(p.quotes.empty()) << reply;
}

TEST(ParseRelevanceReply, ReadsPlainQuotesOnePerLine) {
  ExpectQuotes("The bicycle was invented in 1817.\nIts inventor was Karl Drais.\n",
               {"The bicycle was invented in 1817.", "Its inventor was Karl Drais."});
}

TEST(ParseRelevanceReply, ReadsNoneVariants) {
  for (std::string_view r :
       {"NONE", "none", "None.", "  NONE  \n", "**NONE**", "`NONE`", "\"NONE\"",
        "NONE - the passage is about music.", "None. The passage does not mention bicycles.",
        "No relevant sentences.", "Relevant sentences: none", "无", "无。", "没有相关内容。",
        "「无」"}) {
    ExpectNone(r);
  }
}

TEST(ParseRelevanceReply, ReadsNoneInFullWidthOrWithOddSpacing) {
  // NONE used to be lower-cased byte by byte, so these read as quotes.
  ExpectNone("ＮＯＮＥ");
  ExpectNone("No\u00a0relevant  sentences.");
}

TEST(ParseRelevanceReply, NoneFollowedByAnExplanationIsNone) {
  ExpectNone("NONE\nThe passage only discusses Beethoven.");
}

TEST(ParseRelevanceReply, SentencesStartingWithNoneAreQuotes) {
  ExpectQuotes("None of the soldiers survived the winter.",
               {"None of the soldiers survived the winter."});
}

TEST(ParseRelevanceReply, StripsBulletsAndNumbering) {
  ExpectQuotes(
      "- First one.\n* Second one.\n• Third one.\n1. Fourth one.\n2) Fifth one.\n"
      "(3) Sixth one.\n4、第七句。\n> Eighth one.",
      {"First one.", "Second one.", "Third one.", "Fourth one.", "Fifth one.", "Sixth one.",
       "第七句。", "Eighth one."});
}

TEST(ParseRelevanceReply, KeepsNumbersThatBelongToTheSentence) {
  ExpectQuotes("3.5 million people live there.", {"3.5 million people live there."});
}

TEST(ParseRelevanceReply, StripsSurroundingQuoteMarks) {
  ExpectQuotes(
      "\"The bicycle was invented in 1817.\"\n“Drais lived in Mannheim.”\n"
      "「自行车发明于1817年。」\n『德莱斯住在曼海姆。』",
      {"The bicycle was invented in 1817.", "Drais lived in Mannheim.", "自行车发明于1817年。",
       "德莱斯住在曼海姆。"});
}

TEST(ParseRelevanceReply, KeepsQuoteMarksThatAreInsideTheSentence) {
  ExpectQuotes("\"Hello,\" she said.", {"\"Hello,\" she said."});
}

TEST(ParseRelevanceReply, SkipsCodeFencesAndChatter) {
  ExpectQuotes(
      "Here are the relevant sentences from the passage:\n```\n"
      "The bicycle was invented in 1817.\n```",
      {"The bicycle was invented in 1817."});
  ExpectQuotes("Relevant sentences: The bicycle was invented in 1817.",
               {"The bicycle was invented in 1817."});
  ExpectQuotes("相关句子：\n- 自行车发明于1817年。", {"自行车发明于1817年。"});
}

TEST(ParseRelevanceReply, ReadsJsonLists) {
  ExpectQuotes(R"(["The bicycle was invented in 1817.", "Its inventor was Karl Drais."])",
               {"The bicycle was invented in 1817.", "Its inventor was Karl Drais."});
  ExpectQuotes("```json\n[\n  \"自行车发明于1817年。\",\n  \"发明者是德莱斯。\"\n]\n```",
               {"自行车发明于1817年。", "发明者是德莱斯。"});
  ExpectNone("[]");
  ExpectNone(R"(["NONE"])");
}

TEST(ParseRelevanceReply, ReadsJsonObjects) {
  ExpectQuotes(R"({"relevant": true, "quotes": ["It rained \"all\" day."]})",
               {"It rained \"all\" day."});
  ExpectNone(R"({"quotes": []})");
  ExpectNone(R"({"relevant": false})");
  EXPECT_EQ(ParseOne(R"({"verdict": "maybe"})").kind, ReplyKind::kMalformed);
}

TEST(ParseRelevanceReply, ReadsJsonCutOffByTheTokenLimit) {
  ExpectQuotes(R"({"quotes": ["First sentence.", "Second sent)", {"First sentence."});
}

TEST(ParseRelevanceReply, EmptyOrUnreadableRepliesAreMalformed) {
  EXPECT_EQ(ParseOne("").kind, ReplyKind::kMalformed);
  EXPECT_EQ(ParseOne("  \n\n ").kind, ReplyKind::kMalformed);
  EXPECT_EQ(ParseOne("```\n```").kind, ReplyKind::kMalformed);
  EXPECT_EQ(ParseOne("Relevant sentences:").kind, ReplyKind::kMalformed);
}

TEST(ParseRelevanceReply, SplitsNumberedBlocks) {
  const auto parts = ParseRelevanceReply(
      "Sure.\n[1]\nThe bicycle was invented in 1817.\n\n[2]\nNONE\n[3]\n- Paris is the "
      "capital.\n- It lies on the Seine.",
      3);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].kind, ReplyKind::kQuotes);
  EXPECT_EQ(parts[0].quotes, Quotes{"The bicycle was invented in 1817."});
  EXPECT_EQ(parts[1].kind, ReplyKind::kNone);
  EXPECT_EQ(parts[2].quotes, (Quotes{"Paris is the capital.", "It lies on the Seine."}));
}

TEST(ParseRelevanceReply, AcceptsHeaderVariantsAndInlineAnswers) {
  const auto parts = ParseRelevanceReply(
      "**[1]** NONE\n【2】「自行车发明于1817年。」\n### [Question 3]:\n\"Paris.\"\n［4］：无", 4);
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0].kind, ReplyKind::kNone);
  EXPECT_EQ(parts[1].quotes, Quotes{"自行车发明于1817年。"});
  EXPECT_EQ(parts[2].quotes, Quotes{"Paris."});
  EXPECT_EQ(parts[3].kind, ReplyKind::kNone);
}

TEST(ParseRelevanceReply, MissingBlocksAreMalformed) {
  const auto parts = ParseRelevanceReply("[1]\nNONE\n[3]\nParis.\n[2]\n", 3);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].kind, ReplyKind::kNone);
  EXPECT_EQ(parts[1].kind, ReplyKind::kMalformed);  // a header with nothing after it
  EXPECT_EQ(parts[2].quotes, Quotes{"Paris."});
  for (const auto& p : ParseRelevanceReply("Paris is the capital.", 2)) {
    EXPECT_EQ(p.kind, ReplyKind::kMalformed);  // no headers at all
  }
}

TEST(ParseRelevanceReply, IgnoresOutOfRangeHeadersAndTheOptionalSingleHeader) {
  ExpectQuotes("[1]\nThe bicycle was invented in 1817.", {"The bicycle was invented in 1817."});
  const auto parts = ParseRelevanceReply("[1]\nNONE\n[7]\nx", 2);
  EXPECT_EQ(parts[0].kind, ReplyKind::kNone);
  EXPECT_EQ(parts[1].kind, ReplyKind::kMalformed);
  EXPECT_TRUE(ParseRelevanceReply("anything", 0).empty());
}

}  // namespace
}  // namespace longforge::workers
