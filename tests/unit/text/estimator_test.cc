#include <gtest/gtest.h>

#include "longforge/text/token_counter.h"

namespace longforge::text {
namespace {

TEST(Estimator, CountsAsciiInThrees) {
  auto est = MakeEstimator();
  EXPECT_EQ(est->Count(""), 0u);
  EXPECT_EQ(est->Count("abc"), 1u);
  EXPECT_EQ(est->Count("abcd"), 2u);
}

TEST(Estimator, CountsEachNonAsciiCodePoint) {
  auto est = MakeEstimator();
  EXPECT_EQ(est->Count("红楼梦"), 3u);
  EXPECT_EQ(est->Count("ab红"), 2u);
  // A stray continuation byte is not a code point of its own.
  EXPECT_EQ(est->Count("\x80"), 0u);
  EXPECT_EQ(est->Name(), "estimate");
}

TEST(LoadTokenCounter, EmptyPathGivesEstimator) {
  auto counter = LoadTokenCounter("");
  ASSERT_TRUE(counter.ok());
  EXPECT_EQ((*counter)->Name(), "estimate");
}

}  // namespace
}  // namespace longforge::text
