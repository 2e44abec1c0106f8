// AIMD: halve on overload (once per burst), Retry-After holds new attempts back,
// one more slot per limit's worth of answers while latency stays flat.
#include "longforge/llm/adaptive_limit.h"

#include <gtest/gtest.h>

namespace longforge::llm {
namespace {

using Clock = AdaptiveLimit::Clock;
using std::chrono::milliseconds;
using Seconds = AdaptiveLimit::Seconds;

AdaptiveLimit Make(int ceiling) {
  return AdaptiveLimit({ceiling, 1, 0.5, 1.5, milliseconds(5000)});
}

TEST(AdaptiveLimit, StartsAtTheCeilingAndNeverExceedsIt) {
  auto limit = Make(16);
  EXPECT_EQ(limit.Limit(), 16);
  for (int i = 0; i < 1000; ++i) limit.OnAnswered(Seconds(0.1));
  EXPECT_EQ(limit.Limit(), 16);
}

TEST(AdaptiveLimit, HalvesOncePerBurstThenAgainForAttemptsSentAfterTheCut) {
  auto limit = Make(64);
  const auto sent = Clock::now();
  const auto t0 = sent + milliseconds(200);
  limit.OnOverloaded(sent, t0, std::nullopt);
  EXPECT_EQ(limit.Limit(), 32);
  // The rest of the burst, sent at the old limit, comes back turned away: no further cut.
  for (int i = 0; i < 20; ++i) {
    limit.OnOverloaded(sent + milliseconds(i), t0 + milliseconds(10 * i), std::nullopt);
  }
  EXPECT_EQ(limit.Limit(), 32);
  EXPECT_EQ(limit.decreases(), 1);
  // An attempt sent after the cut is turned away too: the new limit is still too high.
  limit.OnOverloaded(t0 + milliseconds(1), t0 + milliseconds(250), std::nullopt);
  EXPECT_EQ(limit.Limit(), 16);
  // Never below the floor.
  for (int i = 1; i < 20; ++i) {
    const auto at = t0 + milliseconds(250 + 300 * i);
    limit.OnOverloaded(at - milliseconds(100), at, std::nullopt);
  }
  EXPECT_EQ(limit.Limit(), 1);
}

TEST(AdaptiveLimit, GrowsOneSlotPerWindowWhileLatencyHolds) {
  auto limit = Make(64);
  limit.OnAnswered(Seconds(0.1));
  limit.OnOverloaded(Clock::now(), Clock::now(), std::nullopt);
  ASSERT_EQ(limit.Limit(), 32);
  for (int i = 0; i < 32; ++i) limit.OnAnswered(Seconds(0.1));
  EXPECT_EQ(limit.Limit(), 33) << "32 answers at a limit of 32 give one slot";
  for (int i = 0; i < 33 * 10; ++i) limit.OnAnswered(Seconds(0.1));
  EXPECT_GE(limit.Limit(), 40);
}

TEST(AdaptiveLimit, AnOverloadInTheWindowEarnsNoSlot) {
  auto limit = Make(64);
  limit.OnAnswered(Seconds(0.1));
  const auto t0 = Clock::now();
  limit.OnOverloaded(t0, t0, std::nullopt);
  ASSERT_EQ(limit.Limit(), 32);
  // 31 answers, then an attempt sent before the cut comes back turned away (no second
  // cut), then
  // 31 more: no run of 32 answers without an overload, so no slot.
  for (int i = 0; i < 31; ++i) limit.OnAnswered(Seconds(0.1));
  limit.OnOverloaded(t0 - milliseconds(1), t0 + milliseconds(50), std::nullopt);
  EXPECT_EQ(limit.decreases(), 1);
  for (int i = 0; i < 31; ++i) limit.OnAnswered(Seconds(0.1));
  EXPECT_EQ(limit.Limit(), 32);
  limit.OnAnswered(Seconds(0.1));
  EXPECT_EQ(limit.Limit(), 33);
}

TEST(AdaptiveLimit, StopsGrowingWhileLatencyRises) {
  auto limit = Make(64);
  for (int i = 0; i < 200; ++i) limit.OnAnswered(Seconds(0.1));
  limit.OnOverloaded(Clock::now(), Clock::now(), std::nullopt);
  ASSERT_EQ(limit.Limit(), 32);
  // The server slows down to four times its usual latency: queueing, not capacity.
  for (int i = 0; i < 300; ++i) limit.OnAnswered(Seconds(0.4));
  EXPECT_LE(limit.Limit(), 33);
}

TEST(AdaptiveLimit, RetryAfterHoldsNewAttemptsBackUpToItsCap) {
  auto limit = Make(8);
  const auto t0 = Clock::now();
  limit.OnOverloaded(t0, t0, std::chrono::seconds(2));
  EXPECT_EQ(limit.PausedUntil(), t0 + std::chrono::seconds(2));
  limit.OnOverloaded(t0, t0 + milliseconds(1), std::chrono::seconds(3600));
  EXPECT_EQ(limit.PausedUntil(), t0 + milliseconds(1) + milliseconds(5000)) << "capped";
}

}  // namespace
}  // namespace longforge::llm
