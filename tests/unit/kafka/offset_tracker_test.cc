#include "longforge/kafka/offset_tracker.h"

#include <gtest/gtest.h>

namespace longforge::kafka {
namespace {

const TopicPartition kP0{"lf.relevance.results", 0};
const TopicPartition kP1{"lf.relevance.results", 1};

TEST(OffsetTracker, UnknownPartitionHasNothingToCommit) {
  OffsetTracker t;
  EXPECT_EQ(t.Committable(kP0), std::nullopt);
  EXPECT_TRUE(t.PendingCommits().empty());
  EXPECT_FALSE(t.Owns(kP0));
}

TEST(OffsetTracker, CommittableIsOldestInFlight) {
  OffsetTracker t;
  for (int64_t o = 10; o < 15; ++o) t.Started(kP0, o);
  EXPECT_TRUE(t.Owns(kP0));
  EXPECT_EQ(t.Committable(kP0), 10);
  t.Finished(kP0, 12);
  t.Finished(kP0, 13);
  EXPECT_EQ(t.Committable(kP0), 10);  // 10 still in flight holds the position
  t.Finished(kP0, 10);
  EXPECT_EQ(t.Committable(kP0), 11);
  t.Finished(kP0, 11);
  EXPECT_EQ(t.Committable(kP0), 14);  // skips the finished 12 and 13
  t.Finished(kP0, 14);
  EXPECT_EQ(t.Committable(kP0), 15);  // all done: next offset to read
}

TEST(OffsetTracker, OutOfOrderFinishesMoveOnlyPastAFinishedPrefix) {
  OffsetTracker t;
  t.Started(kP0, 0);
  t.Started(kP0, 1);
  t.Started(kP0, 2);
  t.Finished(kP0, 2);
  t.Finished(kP0, 1);
  EXPECT_EQ(t.Committable(kP0), 0);
  t.Finished(kP0, 0);
  EXPECT_EQ(t.Committable(kP0), 3);
}

TEST(OffsetTracker, PartitionsAreIndependent) {
  OffsetTracker t;
  t.Started(kP0, 5);
  t.Started(kP1, 100);
  t.Finished(kP1, 100);
  EXPECT_EQ(t.Committable(kP0), 5);
  EXPECT_EQ(t.Committable(kP1), 101);
}

TEST(OffsetTracker, PendingCommitsListOnlyPositionsThatMoved) {
  OffsetTracker t;
  t.Started(kP0, 0);
  t.Started(kP1, 0);
  t.Finished(kP1, 0);
  // kP0 is at 0 with nothing finished: committable 0, still reported once.
  auto pending = t.PendingCommits();
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending.at(kP0), 0);
  EXPECT_EQ(pending.at(kP1), 1);

  t.MarkCommitted(pending);
  EXPECT_TRUE(t.PendingCommits().empty());

  t.Finished(kP0, 0);
  pending = t.PendingCommits();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending.at(kP0), 1);
}

TEST(OffsetTracker, MarkCommittedNeverMovesBackwards) {
  OffsetTracker t;
  t.Started(kP0, 7);
  t.Finished(kP0, 7);
  t.MarkCommitted({{kP0, 8}});
  t.MarkCommitted({{kP0, 3}});  // a late acknowledgement of an older commit
  EXPECT_TRUE(t.PendingCommits().empty());
  t.Started(kP0, 8);
  t.Finished(kP0, 8);
  EXPECT_EQ(t.PendingCommits().at(kP0), 9);
}

TEST(OffsetTracker, ForgetDropsThePartition) {
  OffsetTracker t;
  t.Started(kP0, 1);
  t.Started(kP1, 1);
  t.Forget(kP0);
  EXPECT_FALSE(t.Owns(kP0));
  EXPECT_EQ(t.Committable(kP0), std::nullopt);
  EXPECT_EQ(t.PendingCommits().count(kP0), 0u);
  t.Finished(kP0, 1);  // late finish of revoked work: ignored
  EXPECT_FALSE(t.Owns(kP0));
  EXPECT_EQ(t.Committable(kP1), 1);
  t.MarkCommitted({{kP0, 2}});  // and a commit for it does not resurrect it
  EXPECT_FALSE(t.Owns(kP0));
}

}  // namespace
}  // namespace longforge::kafka
