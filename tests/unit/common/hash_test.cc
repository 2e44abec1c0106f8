#include "longforge/common/hash.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace longforge {
namespace {

bool IsLowerHex32(const std::string& s) {
  if (s.size() != 32) return false;
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

TEST(Hash128Hex, Is32LowercaseHexDigits) {
  for (const std::string& input :
       std::vector<std::string>{"", "a", "hello world", std::string(10000, 'x')}) {
    const auto h = Hash128Hex(input);
    EXPECT_TRUE(IsLowerHex32(h)) << "\"" << h << "\"";
  }
}

TEST(Hash128Hex, IsStableAcrossVersions) {
  // Ids derived from this hash are stored keys: these values must never change.
  // XXH3-128 reference vector (canonical form: high 64 bits first).
  EXPECT_EQ(Hash128Hex(""), "99aa06d3014798d86001c324468d497f");
  EXPECT_EQ(Hash128Hex("hello world"), Hash128Hex(std::string("hello ") + "world"));
}

TEST(Hash128Hex, DistinguishesInputs) {
  EXPECT_NE(Hash128Hex("a"), Hash128Hex("b"));
  EXPECT_NE(Hash128Hex("doc\nquestion"), Hash128Hex("doc\nquestion "));
  EXPECT_NE(Hash128Hex(std::string("a\0b", 3)), Hash128Hex("a"));
}

}  // namespace
}  // namespace longforge
