#include "longforge/common/utf8.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace longforge {
namespace {

TEST(FindInvalidUtf8, AcceptsWellFormedText) {
  EXPECT_EQ(FindInvalidUtf8(""), std::nullopt);
  EXPECT_EQ(FindInvalidUtf8("plain ascii\n"), std::nullopt);
  EXPECT_EQ(FindInvalidUtf8("caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87"), std::nullopt);  // café 中文
  EXPECT_EQ(FindInvalidUtf8("\xF0\x9F\x98\x80 emoji"), std::nullopt);                // U+1F600
  EXPECT_EQ(FindInvalidUtf8("\xF4\x8F\xBF\xBF"), std::nullopt);                      // U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("\xED\x9F\xBF"), std::nullopt);  // U+D7FF, just below surrogates
  EXPECT_EQ(FindInvalidUtf8("\xEE\x80\x80"), std::nullopt);  // U+E000, just above them
  EXPECT_EQ(FindInvalidUtf8(std::string("a\0b", 3)), std::nullopt);  // NUL is valid UTF-8
}

TEST(FindInvalidUtf8, RejectsOverlongEncodings) {
  EXPECT_EQ(FindInvalidUtf8("ab\xC0\xAF"), 2u);  // '/' in two bytes
  EXPECT_EQ(FindInvalidUtf8("\xC1\xBF"), 0u);
  EXPECT_EQ(FindInvalidUtf8("x\xE0\x80\xAF"), 1u);     // '/' in three bytes
  EXPECT_EQ(FindInvalidUtf8("\xE0\x9F\xBF"), 0u);      // U+07FF in three bytes
  EXPECT_EQ(FindInvalidUtf8("\xF0\x8F\xBF\xBF"), 0u);  // U+FFFF in four bytes
}

TEST(FindInvalidUtf8, RejectsSurrogates) {
  EXPECT_EQ(FindInvalidUtf8("ok \xED\xA0\x80"), 3u);  // U+D800
  EXPECT_EQ(FindInvalidUtf8("\xED\xBF\xBF"), 0u);     // U+DFFF
}

TEST(FindInvalidUtf8, RejectsCodePointsAboveMax) {
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // U+110000
  EXPECT_EQ(FindInvalidUtf8("\xF5\x80\x80\x80"), 0u);
  EXPECT_EQ(FindInvalidUtf8("\xFF"), 0u);
}

TEST(FindInvalidUtf8, RejectsTruncatedSequences) {
  EXPECT_EQ(FindInvalidUtf8("abc\xC3"), 3u);  // end of input
  EXPECT_EQ(FindInvalidUtf8("abc\xE4\xB8"), 3u);
  EXPECT_EQ(FindInvalidUtf8("\xF0\x9F\x98"), 0u);
  EXPECT_EQ(FindInvalidUtf8("\xF0\x9F\x98 tail"), 0u);  // continuation replaced by a space
  EXPECT_EQ(FindInvalidUtf8("\xE4x\xAD"), 0u);
}

TEST(FindInvalidUtf8, RejectsStrayContinuationBytes) {
  EXPECT_EQ(FindInvalidUtf8("a\x80"), 1u);
  EXPECT_EQ(FindInvalidUtf8("\xC3\xA9\xA9"), 2u);
}

TEST(Base64Encode, MatchesRfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Base64Encode, EncodesArbitraryBytes) {
  EXPECT_EQ(Base64Encode(std::string("\x00\xff\xfe", 3)), "AP/+");
  EXPECT_EQ(Base64Encode(std::string("\xfb\xff", 2)), "+/8=");
  EXPECT_EQ(Base64Encode(std::string(1, '\0')), "AA==");
}

TEST(ReplaceInvalidUtf8, ReplacesEachMaximalSubpartOnce) {
  EXPECT_EQ(ReplaceInvalidUtf8("caf\xC3\xA9"), "caf\xC3\xA9");
  // A truncated 3-byte sequence is one U+FFFD; a stray byte is one more.
  EXPECT_EQ(ReplaceInvalidUtf8("a\xE4\xB8 b\xFF"), "a\xEF\xBF\xBD b\xEF\xBF\xBD");
  EXPECT_EQ(ReplaceInvalidUtf8(""), "");
}

TEST(DecodeUtf8, ReadsValuesAndMaximalSubparts) {
  const std::string text = "\xC3\xA9\xF0\x9F\x98\x80\xE4\xB8!";
  const CodePoint e = DecodeUtf8(text, 0);
  EXPECT_EQ(e.value, U'\u00e9');
  EXPECT_EQ(e.size, 2u);
  EXPECT_TRUE(e.valid);
  const CodePoint emoji = DecodeUtf8(text, 2);
  EXPECT_EQ(emoji.value, U'\U0001F600');
  EXPECT_EQ(emoji.offset, 2u);
  EXPECT_EQ(emoji.end(), 6u);
  const CodePoint cut = DecodeUtf8(text, 6);  // 中 without its last byte
  EXPECT_EQ(cut.value, 0xFFFDu);
  EXPECT_EQ(cut.size, 2u);
  EXPECT_FALSE(cut.valid);
  EXPECT_EQ(DecodeUtf8(text, 7).size, 1u);            // a continuation byte alone
  EXPECT_EQ(DecodeUtf8("\xED\xA0\x80", 0).size, 1u);  // a surrogate's lead alone
}

TEST(CodePointPrefix, NeverCutsInsideACodePoint) {
  const std::string_view text = "a红😀";  // 1 + 3 + 4 bytes
  EXPECT_EQ(CodePointPrefix(text, 0), 0u);
  EXPECT_EQ(CodePointPrefix(text, 1), 1u);
  EXPECT_EQ(CodePointPrefix(text, 2), 1u);
  EXPECT_EQ(CodePointPrefix(text, 3), 1u);
  EXPECT_EQ(CodePointPrefix(text, 4), 4u);
  EXPECT_EQ(CodePointPrefix(text, 7), 4u);
  EXPECT_EQ(CodePointPrefix(text, 8), 8u);
  EXPECT_EQ(CodePointPrefix(text, 100), 8u);
  // Stray continuation bytes and a truncated sequence are code points of their own.
  EXPECT_EQ(CodePointPrefix("\x80\x80\x80\x80\x80", 4), 4u);
  EXPECT_EQ(CodePointPrefix("\xE7\xBAx", 2), 2u);
}

TEST(CodePointPrefix, CutsOnlyWhereCodePointsBegin) {
  const std::string text = "x\xE4\xB8\xAD\xE0\x80\x80\xF0\x9F\x98y\xC3";
  std::vector<std::size_t> starts;
  for (std::size_t at = 0; at < text.size(); at = DecodeUtf8(text, at).end()) starts.push_back(at);
  for (std::size_t n = 0; n <= text.size() + 1; ++n) {
    const std::size_t cut = CodePointPrefix(text, n);
    EXPECT_LE(cut, n);
    const bool boundary =
        cut == text.size() || std::find(starts.begin(), starts.end(), cut) != starts.end();
    EXPECT_TRUE(boundary) << n;
  }
}

TEST(AppendUtf8, EncodesEveryLengthAndReplacesNonCharacters) {
  std::string out;
  for (char32_t c : {U'a', U'\u00e9', U'\u4e2d', U'\U0001F600'}) AppendUtf8(out, c);
  EXPECT_EQ(out, "a\u00e9\u4e2d\U0001F600");
  out.clear();
  AppendUtf8(out, 0xD800);
  AppendUtf8(out, 0x110000);
  EXPECT_EQ(out, "\uFFFD\uFFFD");
}

TEST(Base64Decode, InvertsEncodeAndRejectsGarbage) {
  const std::vector<std::string> samples = {"f", "fo", "foo", "foob", std::string("\0\xFF\x10", 3)};
  for (const auto& s : samples) EXPECT_EQ(Base64Decode(Base64Encode(s)), s);
  EXPECT_FALSE(Base64Decode("abc").has_value());
  EXPECT_FALSE(Base64Decode("ab!=").has_value());
}

}  // namespace
}  // namespace longforge
