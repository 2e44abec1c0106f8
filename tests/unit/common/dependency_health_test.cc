#include "longforge/common/dependency_health.h"

#include <gtest/gtest.h>

#include "support/fake_clock.h"

namespace longforge {
namespace {

using namespace std::chrono_literals;

TEST(DependencyHealth, IsDownAfterFailuresInARowUntilAnAttemptIsAnswered) {
  testing::FakeClock clock;
  DependencyHealth health("LLM at http://127.0.0.1:9/v1", 3, clock);
  EXPECT_TRUE(health.Up());
  health.Failed("connection refused");
  clock.Advance(2s);
  health.Failed("connection refused");
  EXPECT_TRUE(health.Up()) << "two failures are not yet an outage";
  EXPECT_EQ(health.OutageSeconds(), 0);
  EXPECT_EQ(health.Describe(), "");
  clock.Advance(3s);
  health.Failed("HTTP 503");
  ASSERT_FALSE(health.Up());
  EXPECT_EQ(health.Down()->failures, 3u);
  EXPECT_EQ(health.Down()->last_error, "HTTP 503");
  // Counted from the first failure, not from when the threshold was reached.
  EXPECT_DOUBLE_EQ(health.OutageSeconds(), 5.0);
  EXPECT_EQ(health.Describe(),
            "LLM at http://127.0.0.1:9/v1 is down: 3 attempts in a row failed in 5 s "
            "(last: HTTP 503)");

  health.Answered();
  EXPECT_TRUE(health.Up());
  EXPECT_EQ(health.OutageSeconds(), 0);
  health.Failed("connection refused");
  health.Failed("connection refused");
  EXPECT_TRUE(health.Up()) << "an answer starts the count again";
}

}  // namespace
}  // namespace longforge
