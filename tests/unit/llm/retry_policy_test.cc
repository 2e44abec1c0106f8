#include "longforge/llm/retry_policy.h"

#include <gtest/gtest.h>

namespace longforge::llm {
namespace {

using std::chrono::milliseconds;

TEST(HttpChatClientRetryPolicy, ClassifiesStatuses) {
  EXPECT_EQ(ClassifyStatus(200), StatusClass::kSuccess);
  EXPECT_EQ(ClassifyStatus(408), StatusClass::kRetry);
  EXPECT_EQ(ClassifyStatus(429), StatusClass::kRetry);
  EXPECT_EQ(ClassifyStatus(503), StatusClass::kRetry);
  EXPECT_EQ(ClassifyStatus(400), StatusClass::kDeadLetter);
  EXPECT_EQ(ClassifyStatus(422), StatusClass::kDeadLetter);
  EXPECT_EQ(ClassifyStatus(401), StatusClass::kStop);
  EXPECT_EQ(ClassifyStatus(404), StatusClass::kStop);
}

TEST(HttpChatClientRetryPolicy, FullJitterStaysUnderTheCappedCeiling) {
  std::mt19937_64 rng(42);
  for (int retry = 1; retry <= 40; ++retry) {
    const milliseconds d = FullJitterBackoff(retry, milliseconds(100), milliseconds(1000), rng);
    EXPECT_GE(d.count(), 0);
    EXPECT_LE(d.count(), std::min<long>(1000, 100L << std::min(retry - 1, 20)));
  }
  EXPECT_EQ(FullJitterBackoff(3, milliseconds(0), milliseconds(0), rng), milliseconds(0));
}

TEST(HttpChatClientRetryPolicy, ParsesRetryAfterSeconds) {
  EXPECT_EQ(ParseRetryAfter(" 3\r\n"), std::chrono::seconds(3));
  EXPECT_EQ(ParseRetryAfter("0"), std::chrono::seconds(0));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-1"), std::nullopt);
  EXPECT_EQ(ParseRetryAfter(""), std::nullopt);
}

}  // namespace
}  // namespace longforge::llm
