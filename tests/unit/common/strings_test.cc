#include "longforge/common/strings.h"

#include <gtest/gtest.h>

namespace longforge {
namespace {

TEST(TrimAsciiSpace, StripsBothEnds) {
  EXPECT_EQ(TrimAsciiSpace("  a b \r\n"), "a b");
  EXPECT_EQ(TrimAsciiSpace("\t\n"), "");
  EXPECT_EQ(TrimAsciiSpace(""), "");
  // Non-ASCII spaces are content here (U+3000 ideographic space).
  EXPECT_EQ(TrimAsciiSpace("\u3000x"), "\u3000x");
}

}  // namespace
}  // namespace longforge
