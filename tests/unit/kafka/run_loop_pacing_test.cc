// The run loop's pacing: ticks, the in-flight bound and parked messages, source
// events (errors, rebalances).
#include <gtest/gtest.h>

#include "longforge/kafka/run_loop.h"
#include "unit/kafka/run_loop_fixture.h"

namespace longforge::kafka {
namespace {

using std::chrono::milliseconds;

TEST_F(RunLoopTest, TicksEveryTickIntervalByTheClock) {
  handler_.tick_interval = milliseconds(100);
  MakeLoop();
  ASSERT_TRUE(loop_->Step(*source_, false));
  EXPECT_EQ(handler_.ticks, 0);
  clock_.Advance(milliseconds(99));
  ASSERT_TRUE(loop_->Step(*source_, false));
  EXPECT_EQ(handler_.ticks, 0);
  clock_.Advance(milliseconds(1));
  ASSERT_TRUE(loop_->Step(*source_, false));
  ASSERT_TRUE(loop_->Step(*source_, false));
  EXPECT_EQ(handler_.ticks, 1);
  clock_.Advance(milliseconds(100));
  ASSERT_TRUE(loop_->Step(*source_, false));
  EXPECT_EQ(handler_.ticks, 2);
}

TEST_F(RunLoopTest, TickWhenIdleTicksOnceTheInputRunsDry) {
  handler_.tick_interval = std::chrono::hours(1);
  handler_.tick_when_idle = true;
  handler_.rule = Echo;
  MakeLoop();
  Push("a");
  Push("b");
  ASSERT_TRUE(loop_->Step(*source_, false));  // takes a
  ASSERT_TRUE(loop_->Step(*source_, false));  // takes b: more input was waiting
  EXPECT_EQ(handler_.ticks, 0);
  ASSERT_TRUE(loop_->Step(*source_, false));  // nothing waiting
  EXPECT_EQ(handler_.ticks, 1);
  Settle();
  EXPECT_EQ(handler_.ticks, 1);  // once per pause, not on every empty poll
  Push("c");
  Settle();
  EXPECT_EQ(handler_.ticks, 2);
}

TEST_F(RunLoopTest, NoIdleTickUnlessTheHandlerAsks) {
  handler_.tick_interval = std::chrono::hours(1);
  handler_.rule = Echo;
  MakeLoop();
  Push("a");
  Settle();
  EXPECT_EQ(handler_.calls(), 1u);
  EXPECT_EQ(handler_.ticks, 0);
}

TEST_F(RunLoopTest, TakesNoMoreThanMaxInFlight) {
  options_.max_in_flight = 2;
  MakeLoop();
  for (const char* v : {"a", "b", "c", "d"}) Push(v);
  Settle();
  EXPECT_EQ(handler_.calls(), 2u);
  EXPECT_EQ(source_->queued(), 2u);
  handler_.Finish(0, Outputs{});
  Settle();
  EXPECT_EQ(handler_.calls(), 3u);
  EXPECT_EQ(source_->queued(), 1u);
}

TEST_F(RunLoopTest, ParkedMessagesDoNotBlockNewOnes) {
  options_.max_in_flight = 2;
  MakeLoop();
  for (const char* v : {"a", "b", "c", "d", "e", "f"}) Push(v);
  Settle();
  ASSERT_EQ(handler_.calls(), 2u);
  handler_.parked = 2;  // a and b now only wait for the rest of their task
  Settle();
  EXPECT_EQ(handler_.calls(), 4u);  // c and d are taken; they count again
  handler_.parked = 3;
  Settle();
  EXPECT_EQ(handler_.calls(), 5u);
  EXPECT_EQ(source_->queued(), 1u);
  EXPECT_EQ(Committed(), 0);  // parked is not finished
}

TEST_F(RunLoopTest, StopDoesNotWaitForParkedMessages) {
  MakeLoop();
  Push("a");
  Push("b");
  Settle();
  handler_.parked = 1;
  EXPECT_TRUE(loop_->Step(*source_, true));  // one is still in progress
  handler_.parked = 2;
  EXPECT_FALSE(loop_->Step(*source_, true));
  EXPECT_TRUE(loop_->End(*source_).ok());
  EXPECT_EQ(Committed(), 0);  // both are redelivered
}

TEST_F(RunLoopTest, SourceErrorIsLoggedAndPollingGoesOn) {
  handler_.rule = Echo;
  MakeLoop();
  source_->PushError(Error::Retry("consumer: broker transport failure"));
  Push("a");
  Settle();
  EXPECT_EQ(handler_.calls(), 1u);
  EXPECT_EQ(Committed(), 1);
}

TEST_F(RunLoopTest, RevokeCommitsFinishedWorkAndIgnoresItsLateCompletions) {
  options_.commit_interval = std::chrono::hours(1);  // only the revoke commits
  MakeLoop();
  Push("a");
  Push("b");
  Settle();
  handler_.Finish(0, Outputs{});
  Settle();
  EXPECT_EQ(source_->Committed(kP0), std::nullopt);
  source_->Revoke({kP0});
  ASSERT_TRUE(loop_->Step(*source_, false));
  EXPECT_EQ(Committed(), 1);
  // Assigned back, b is redelivered; the first b finishing late must not count for it.
  source_->Assign({kP0});
  source_->Push({kIn, 0, 1, "k-b", "b"});
  Settle();
  ASSERT_EQ(handler_.calls(), 3u);
  handler_.Finish(1, Outputs{});
  clock_.Advance(std::chrono::hours(1));
  Settle();
  EXPECT_EQ(Committed(), 1);
  handler_.Finish(2, Outputs{});
  clock_.Advance(std::chrono::hours(1));
  Settle();
  EXPECT_EQ(Committed(), 2);
}

}  // namespace
}  // namespace longforge::kafka
