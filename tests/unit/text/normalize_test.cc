#include "longforge/text/normalize.h"

#include <gtest/gtest.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <string>
#include <string_view>
#include <vector>

namespace longforge::text {
namespace {

struct Read {
  char32_t value;
  std::size_t offset;
  std::size_t size;
  bool valid;
  friend bool operator==(const Read&, const Read&) = default;
};

std::vector<Read> ReadAll(std::string_view text) {
  std::vector<Read> out;
  for (const CodePoint& c : CodePoints(text)) out.push_back({c.value, c.offset, c.size, c.valid});
  return out;
}

TEST(CodePoints, DecodesEveryLengthWithOffsets) {
  EXPECT_EQ(ReadAll("a\u00e9\u7ea2\U0001F600"), (std::vector<Read>{{U'a', 0, 1, true},
                                                                   {U'\u00e9', 1, 2, true},
                                                                   {U'\u7ea2', 3, 3, true},
                                                                   {U'\U0001F600', 6, 4, true}}));
  EXPECT_TRUE(ReadAll("").empty());
  EXPECT_EQ(ReadAll(std::string("\0", 1)), (std::vector<Read>{{0, 0, 1, true}}));
}

TEST(CodePoints, ReadsEachMaximalIllFormedSubpartAsOneReplacementCharacter) {
  // A truncated 3-byte sequence, a stray continuation byte, an overlong '/', a surrogate,
  // and a byte that never starts a sequence: the same split ReplaceInvalidUtf8 makes.
  EXPECT_EQ(ReadAll("\xE4\xB8x\x80\xC0\xAF\xED\xA0\x80\xFF"),
            (std::vector<Read>{{0xFFFD, 0, 2, false},
                               {U'x', 2, 1, true},
                               {0xFFFD, 3, 1, false},
                               {0xFFFD, 4, 1, false},
                               {0xFFFD, 5, 1, false},
                               {0xFFFD, 6, 1, false},
                               {0xFFFD, 7, 1, false},
                               {0xFFFD, 8, 1, false},
                               {0xFFFD, 9, 1, false}}));
  EXPECT_EQ(ReadAll("\xF0\x9F\x98"), (std::vector<Read>{{0xFFFD, 0, 3, false}}));
}

TEST(CodePoints, StartsAtTheGivenOffset) {
  std::u32string rest;
  for (const CodePoint& c : CodePoints("ab\u4e2d", 1)) rest += c.value;
  EXPECT_EQ(rest, U"b\u4e2d");
}

TEST(IsWhitespace, KnowsUnicodeSpacesAndTheByteOrderMark) {
  for (char32_t c :
       {U' ', U'\t', U'\n', U'\r', U'\v', U'\f', U'\u0085', U'\u00a0', U'\u1680', U'\u2000',
        U'\u2003', U'\u200a', U'\u2028', U'\u2029', U'\u202f', U'\u205f', U'\u3000', U'\ufeff'}) {
    EXPECT_TRUE(IsWhitespace(c)) << static_cast<unsigned>(c);
  }
  for (char32_t c : {U'a', U'\0', U'_', U'\u200b', U'\u00b7', U'\u3001', U'\ufffd'}) {
    EXPECT_FALSE(IsWhitespace(c)) << static_cast<unsigned>(c);
  }
}

TEST(FoldWhitespace, CollapsesNbspIdeographicSpaceAndCrlfToOneSpaceAndTrims) {
  EXPECT_EQ(FoldWhitespace("  Mr.\u00a0Smith\r\n\r\narrived\u3000\u3000today. \t"),
            "Mr. Smith arrived today.");
  EXPECT_EQ(FoldWhitespace("\ufeffa\u2028b\u2003c"), "a b c");
  EXPECT_EQ(FoldWhitespace(" \r\n\u3000 "), "");
  EXPECT_EQ(FoldWhitespace(""), "");
}

TEST(FoldWhitespace, RemovesRunsWhenAskedAndKeepsIllFormedBytes) {
  EXPECT_EQ(FoldWhitespace("德莱斯于\r\n1817年\u3000发明", Spaces::kNone), "德莱斯于1817年发明");
  EXPECT_EQ(FoldWhitespace("a \xFF  b\xE4\xB8"), "a \xFF b\xE4\xB8");
}

TEST(FoldWhitespaceMapped, MapsEveryByteBackToItsSource) {
  const std::string_view source = " a\u00a0\u00a0\u7ea2\r\nb ";
  const FoldedText one = FoldWhitespaceMapped(source, Spaces::kOne);
  EXPECT_EQ(one.text, "a \u7ea2 b");
  EXPECT_EQ(one.origin, (std::vector<std::uint32_t>{1, 6, 6, 7, 8, 11, 11}));
  const FoldedText none = FoldWhitespaceMapped(source, Spaces::kNone);
  EXPECT_EQ(none.text, "a\u7ea2b");
  EXPECT_EQ(none.origin, (std::vector<std::uint32_t>{1, 6, 7, 8, 11}));
}

TEST(TrimWhitespace, TrimsUnicodeSpacesOnBothEnds) {
  EXPECT_EQ(TrimWhitespace("\u3000\u00a0 text\u2029\u3000\n"), "text");
  EXPECT_EQ(TrimWhitespace("\u3000\u3000"), "");
  EXPECT_EQ(TrimWhitespace("a \u00a0b"), "a \u00a0b");
  EXPECT_EQ(TrimWhitespace("\xE3\x80"), "\xE3\x80");  // a truncated U+3000 is not a space
  EXPECT_TRUE(StartsWithWhitespace("\u3000x"));
  EXPECT_FALSE(StartsWithWhitespace("x "));
  EXPECT_FALSE(StartsWithWhitespace(""));
}

TEST(FoldWidth, MapsFullWidthAsciiFormsAndKeepsTheRest) {
  EXPECT_EQ(FoldWidth(U'\uff11'), U'1');  // FULLWIDTH DIGIT ONE
  EXPECT_EQ(FoldWidth(U'\uff21'), U'A');
  EXPECT_EQ(FoldWidth(U'\uff5a'), U'z');
  EXPECT_EQ(FoldWidth(U'\uff01'), U'!');
  EXPECT_EQ(FoldWidth(U'\uff5e'), U'~');
  EXPECT_EQ(FoldWidth(U'\u3000'), U' ');
  EXPECT_EQ(FoldWidth(U'\uff5f'), U'\uff5f');  // FULLWIDTH LEFT WHITE PARENTHESIS: not ASCII
  EXPECT_EQ(FoldWidth(U'\uff76'), U'\uff76');  // HALFWIDTH KATAKANA KA: kept
  EXPECT_EQ(FoldWidth(U'\u00b2'), U'\u00b2');  // SUPERSCRIPT TWO: kept
  EXPECT_EQ(FoldWidth(U'a'), U'a');
}

TEST(FoldCase, FoldsGreekCyrillicAndAccentedLettersBySimpleFolding) {
  EXPECT_EQ(FoldCase("ΣΟΦΊΑ σοφίας"), "σοφία σοφίασ");  // final sigma folds to σ
  EXPECT_EQ(FoldCase("ÉCOLE Москва"), "école москва");
  EXPECT_EQ(FoldCase("Straße STRASSE ẞ"), "straße strasse ß");  // simple: ß stays ß
  EXPECT_EQ(FoldCase(U'\u212a'), U'k');                         // KELVIN SIGN
  EXPECT_EQ(FoldCase("长江 123 \xFF"), "长江 123 \xFF");
}

TEST(FoldForMatching, FoldsSpacingWidthAndCaseTogether) {
  EXPECT_EQ(FoldForMatching("  ＡＢＣ\u00a0Straße "), "abc straße");
  EXPECT_EQ(FoldForMatching("Ｈａｒｂｏｒ\u3000１７"), FoldForMatching("harbor 17"));
  EXPECT_EQ(FoldForMatching("ÉCOLE\r\nNormale"), "école normale");
}

TEST(CjkScriptOf, NamesHanKanaAndHangulOnly) {
  EXPECT_EQ(CjkScriptOf(U'长'), CjkScript::kHan);
  EXPECT_EQ(CjkScriptOf(U'\U00020000'), CjkScript::kHan);  // CJK Extension B
  EXPECT_EQ(CjkScriptOf(U'ひ'), CjkScript::kKana);
  EXPECT_EQ(CjkScriptOf(U'カ'), CjkScript::kKana);
  EXPECT_EQ(CjkScriptOf(U'한'), CjkScript::kHangul);
  EXPECT_EQ(CjkScriptOf(U'。'), CjkScript::kNone);  // CJK punctuation is Common
  EXPECT_EQ(CjkScriptOf(U'\u3000'), CjkScript::kNone);
  EXPECT_EQ(CjkScriptOf(U'a'), CjkScript::kNone);
  EXPECT_EQ(CjkScriptOf(U'é'), CjkScript::kNone);
  EXPECT_EQ(CjkScriptOf(0xFFFD), CjkScript::kNone);
  EXPECT_TRUE(IsCjk(U'中'));
  EXPECT_FALSE(IsCjk(U'Ж'));
}

TEST(ContainsCjk, FindsAnyCjkLetter) {
  EXPECT_TRUE(ContainsCjk("Karl Drais (卡尔·德莱斯)"));
  EXPECT_TRUE(ContainsCjk("ソウル 서울"));
  EXPECT_FALSE(ContainsCjk("Straße, café, Москва。"));
  EXPECT_FALSE(ContainsCjk("\xE4\xB8"));  // half of 中 is not a letter
  EXPECT_FALSE(ContainsCjk(""));
}

// The inline fast paths (ASCII, the main CJK blocks) must say what ICU says everywhere.
TEST(Normalize, PerCodePointFunctionsAgreeWithIcuOnEveryCodePoint) {
  for (UChar32 c = 0; c <= 0x10FFFF; ++c) {
    const auto cp = static_cast<char32_t>(c);
    ASSERT_EQ(IsWhitespace(cp), u_isUWhiteSpace(c) || c == 0xFEFF) << std::hex << c;
    ASSERT_EQ(FoldCase(cp), static_cast<char32_t>(u_foldCase(c, U_FOLD_CASE_DEFAULT)))
        << std::hex << c;
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(c, &status);
    const CjkScript want = script == USCRIPT_HAN ? CjkScript::kHan
                           : script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA
                               ? CjkScript::kKana
                           : script == USCRIPT_HANGUL ? CjkScript::kHangul
                                                      : CjkScript::kNone;
    ASSERT_EQ(CjkScriptOf(cp), want) << std::hex << c;
  }
}

}  // namespace
}  // namespace longforge::text
