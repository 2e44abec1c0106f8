#include "longforge/common/error.h"

#include <gtest/gtest.h>

namespace longforge {
namespace {

TEST(Result, HoldsValueOrError) {
  Result<int> good = 7;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  Result<int> bad = Error::Retry("broker down");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().disposition, Disposition::kRetry);
  EXPECT_EQ(bad.error().message, "broker down");
}

TEST(Status, DefaultsToOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  Status e = Error::DeadLetter("bad json");
  EXPECT_FALSE(e.ok());
  EXPECT_STREQ(DispositionName(e.error().disposition), "dead-letter");
}

}  // namespace
}  // namespace longforge

namespace longforge {
namespace {

TEST(InvalidOptions, ListsEveryProblemInOneStopError) {
  EXPECT_TRUE(InvalidOptions("x options", {}).ok());
  const Status s = InvalidOptions("x options", {"a must be positive", "b is required"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().disposition, Disposition::kStop);
  EXPECT_EQ(s.error().message, "x options: a must be positive; b is required");
}

}  // namespace
}  // namespace longforge
