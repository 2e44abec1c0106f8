#include "longforge/text/segmenter.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace longforge::text {
namespace {

std::vector<std::string> Texts(std::string_view text, const std::vector<Span>& spans) {
  std::vector<std::string> out;
  out.reserve(spans.size());
  for (const Span& s : spans) {
    out.emplace_back(s.In(text));
  }
  return out;
}

// Spans must cover `text` exactly, in order, with no empty span.
void ExpectCovers(std::string_view text, const std::vector<Span>& spans) {
  std::size_t at = 0;
  for (const Span& s : spans) {
    EXPECT_EQ(s.begin, at);
    EXPECT_LT(s.begin, s.end);
    at = s.end;
  }
  EXPECT_EQ(at, text.size());
}

TEST(Paragraphs, SplitAtBlankLinesKeepingSeparatorsWithThePreviousParagraph) {
  const std::string_view text = "One\nstill one.\n\nTwo.\n \t\nThree.\n\n";
  const auto spans = Paragraphs(text);
  ExpectCovers(text, spans);
  EXPECT_EQ(Texts(text, spans),
            (std::vector<std::string>{"One\nstill one.\n\n", "Two.\n \t\n", "Three.\n\n"}));
}

TEST(Paragraphs, HandlesCrlfLoneCrLeadingBlankLinesAndIdeographicSpace) {
  const std::string_view crlf = "\r\n\r\nA\r\nB\r\n\r\nC";
  EXPECT_EQ(Texts(crlf, Paragraphs(crlf)),
            (std::vector<std::string>{"\r\n\r\nA\r\nB\r\n\r\n", "C"}));
  const std::string_view cr = "A\r\rB";
  EXPECT_EQ(Texts(cr, Paragraphs(cr)), (std::vector<std::string>{"A\r\r", "B"}));
  const std::string_view zh = "第一回\r\n\u3000\u3000\r\n\u3000\u3000正文";
  EXPECT_EQ(Texts(zh, Paragraphs(zh)),
            (std::vector<std::string>{"第一回\r\n\u3000\u3000\r\n", "\u3000\u3000正文"}));
  EXPECT_TRUE(Paragraphs("").empty());
  EXPECT_EQ(Paragraphs("\n\n\n").size(), 1u);
}

TEST(Paragraphs, AnyUnicodeWhitespaceLineIsBlank) {
  // Only ASCII blanks, NBSP and U+3000 used to count: an em-space line joined paragraphs.
  const std::string_view text = "A\n\u2003\u00a0\ufeff\nB";
  EXPECT_EQ(Texts(text, Paragraphs(text)),
            (std::vector<std::string>{"A\n\u2003\u00a0\ufeff\n", "B"}));
}

// Sentences of `text` are exactly `expected`, covering it.
void ExpectSentences(std::string_view text, const std::vector<std::string>& expected) {
  Segmenter seg;
  const auto spans = seg.Sentences(text);
  ExpectCovers(text, spans);
  EXPECT_EQ(Texts(text, spans), expected);
}

TEST(Segmenter, EnglishSentencesKeepTrailingSpace) {
  ExpectSentences("Hello world. How are you? Fine!", {"Hello world. ", "How are you? ", "Fine!"});
}

TEST(Segmenter, SoftLineBreaksDoNotEndSentencesButParagraphsDo) {
  ExpectSentences("He said\r\nhello. Then he\r\nleft\r\n\r\nNew paragraph",
                  {"He said\r\nhello. ", "Then he\r\nleft\r\n\r\n", "New paragraph"});
}

TEST(Segmenter, ChineseSentencesEndAtFullwidthPunctuation) {
  ExpectSentences(
      "今天天气很好。我们去公园吧！你来吗？士隐于书房闲坐．梦至一处．",
      {"今天天气很好。", "我们去公园吧！", "你来吗？", "士隐于书房闲坐．", "梦至一处．"});
}

TEST(Segmenter, WhitespaceOnlyAndLeadingBlankText) {
  Segmenter seg;
  EXPECT_TRUE(seg.Sentences("").empty());
  const std::string_view blank = " \n\n \r\n";
  const auto spans = seg.Sentences(blank);
  ExpectCovers(blank, spans);
  EXPECT_EQ(spans.size(), 1u);
  const std::string_view leading = "\n\n  Start here.";
  EXPECT_EQ(Texts(leading, seg.Sentences(leading)),
            (std::vector<std::string>{"\n\n  Start here."}));
}

TEST(Segmenter, WordsSkipPunctuationAndSpaces) {
  Segmenter seg;
  const std::string_view text = "Hello, world! It's 1812... (really)";
  EXPECT_EQ(Texts(text, seg.Words(text)),
            (std::vector<std::string>{"Hello", "world", "It's", "1812", "really"}));
  EXPECT_TRUE(seg.Words("").empty());
  EXPECT_TRUE(seg.Words(" ,.!? ").empty());
}

TEST(Segmenter, ChineseWordsComeFromTheDictionary) {
  Segmenter seg;
  const std::string_view text = "林黛玉进了贾府，看见许多丫鬟。";
  const auto words = Texts(text, seg.Words(text));
  ASSERT_FALSE(words.empty());
  bool multi_character = false;
  for (const std::string& w : words) {
    multi_character = multi_character || w.size() > 3;
  }
  EXPECT_TRUE(multi_character) << "ICU should give dictionary words, not single characters";
  for (const std::string& w : words) {
    EXPECT_NE(w, "，");
  }
}

TEST(Segmenter, InvalidUtf8DoesNotCrashAndOffsetsStayInRange) {
  Segmenter seg;
  const std::string text = "abc \xff\xfe def. \xE7\xBA Next \x80 one.\xF0\x9F";
  const auto sentences = seg.Sentences(text);
  ExpectCovers(text, sentences);
  for (const Span& w : seg.Words(text)) {
    EXPECT_LT(w.begin, w.end);
    EXPECT_LE(w.end, text.size());
  }
  const std::string nuls("a\0b. c\0d.", 9);
  ExpectCovers(nuls, seg.Sentences(nuls));
}

TEST(Segmenter, MovedSegmenterStillWorks) {
  Segmenter a;
  Segmenter b = std::move(a);
  EXPECT_EQ(b.Words("two words").size(), 2u);
}

}  // namespace
}  // namespace longforge::text
