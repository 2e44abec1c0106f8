#include "longforge/common/unicode.h"

#include <gtest/gtest.h>

#include <string>

namespace longforge {
namespace {

TEST(NormalizeNfc, ComposesCombiningAccent) {
  auto r = NormalizeNfc(
      "caf"
      "e\xCC\x81");  // e + U+0301 COMBINING ACUTE ACCENT
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "caf\xC3\xA9");  // é, U+00E9
}

TEST(NormalizeNfc, ComposesHangulJamo) {
  auto r = NormalizeNfc("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB");  // ᄒ ᅡ ᆫ
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "\xED\x95\x9C");  // 한
}

TEST(NormalizeNfc, ReturnsNfcInputUnchanged) {
  const std::string text = "Already NFC: caf\xC3\xA9, \xE4\xB8\xAD\xE6\x96\x87, \xF0\x9F\x98\x80\n";
  auto r = NormalizeNfc(text);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, text);
  auto empty = NormalizeNfc("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
}

TEST(NormalizeNfc, KeepsEmbeddedNulAndLength) {
  const std::string text("a\0b", 3);
  auto r = NormalizeNfc(text);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, text);
}

}  // namespace
}  // namespace longforge
