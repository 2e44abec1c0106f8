#include "workers/answer/task_gatherer.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace longforge::workers {
namespace {

using Clock = std::chrono::steady_clock;

// Records what each Done was called with.
struct DoneLog {
  std::vector<std::optional<Result<kafka::Outputs>>> calls;
  kafka::Done Make() {
    const std::size_t i = calls.size();
    calls.emplace_back();
    return [this, i](Result<kafka::Outputs> r) {
      ASSERT_FALSE(calls[i].has_value()) << "Done " << i << " called twice";
      calls[i] = std::move(r);
    };
  }
  bool Finished(std::size_t i) const { return calls.at(i).has_value(); }
  bool FinishedEmpty(std::size_t i) const {
    return Finished(i) && calls[i]->ok() && (*calls[i])->empty();
  }
};

envelope::RelevanceResult MakeResult(const std::string& task_id, uint32_t index, uint32_t count) {
  envelope::RelevanceResult r;
  r.task.task_id = task_id;
  r.task.doc_id = "doc";
  r.task.question = "q?";
  r.chunk = {index, index * 10u, index * 10u + 10, 3};
  r.chunk_count = count;
  r.verdict = envelope::RelevanceVerdict::kNone;
  return r;
}

TEST(TaskGatherer, CompletesWhenEveryChunkArrived) {
  TaskGatherer g;
  DoneLog log;
  const auto now = Clock::now();
  EXPECT_FALSE(g.Add(MakeResult("t", 2, 3), log.Make(), now));
  EXPECT_FALSE(g.Add(MakeResult("t", 0, 3), log.Make(), now));
  EXPECT_EQ(g.gathering(), 1u);
  auto done = g.Add(MakeResult("t", 1, 3), log.Make(), now);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(g.gathering(), 0u);
  EXPECT_EQ(done->task.task_id, "t");
  EXPECT_EQ(done->chunk_count, 3u);
  ASSERT_EQ(done->results.size(), 3u);
  EXPECT_EQ(done->results.begin()->first, 0u);  // by chunk index
  EXPECT_EQ(done->dones.size(), 3u);            // held, in arrival order
  for (std::size_t i = 0; i < 3; ++i) EXPECT_FALSE(log.Finished(i)) << i;
  done->dones[0](kafka::Outputs{});
  EXPECT_TRUE(log.FinishedEmpty(0));  // arrival order: the chunk-2 message came first
}

TEST(TaskGatherer, KeepsTasksApart) {
  TaskGatherer g;
  DoneLog log;
  const auto now = Clock::now();
  EXPECT_FALSE(g.Add(MakeResult("a", 0, 2), log.Make(), now));
  EXPECT_FALSE(g.Add(MakeResult("b", 0, 2), log.Make(), now));
  EXPECT_EQ(g.gathering(), 2u);
  auto b = g.Add(MakeResult("b", 1, 2), log.Make(), now);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->task.task_id, "b");
  EXPECT_EQ(g.gathering(), 1u);
}

TEST(TaskGatherer, DuplicateChunkIsFinishedAtOnceAndEmpty) {
  TaskGatherer g;
  DoneLog log;
  const auto now = Clock::now();
  EXPECT_FALSE(g.Add(MakeResult("t", 0, 2), log.Make(), now));
  EXPECT_FALSE(g.Add(MakeResult("t", 0, 2), log.Make(), now));  // redelivery
  EXPECT_FALSE(log.Finished(0));
  EXPECT_TRUE(log.FinishedEmpty(1));
  auto done = g.Add(MakeResult("t", 1, 2), log.Make(), now);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->dones.size(), 2u);  // the duplicate is not among them
}

TEST(TaskGatherer, LateDuplicateAfterCompletionIsFinishedAtOnce) {
  TaskGatherer g;
  DoneLog log;
  const auto now = Clock::now();
  ASSERT_TRUE(g.Add(MakeResult("t", 0, 1), log.Make(), now).has_value());
  EXPECT_FALSE(g.Add(MakeResult("t", 0, 1), log.Make(), now).has_value());
  EXPECT_TRUE(log.FinishedEmpty(1));
  EXPECT_EQ(g.gathering(), 0u);  // not started again
}

TEST(TaskGatherer, TakeExpiredReturnsOnlyTasksOlderThanTheTimeout) {
  TaskGatherer g;
  DoneLog log;
  const auto t0 = Clock::now();
  EXPECT_FALSE(g.Add(MakeResult("old", 0, 3), log.Make(), t0));
  EXPECT_FALSE(g.Add(MakeResult("new", 0, 3), log.Make(), t0 + std::chrono::seconds(5)));
  EXPECT_TRUE(g.TakeExpired(t0 + std::chrono::seconds(9), std::chrono::seconds(10)).empty());
  auto expired = g.TakeExpired(t0 + std::chrono::seconds(10), std::chrono::seconds(10));
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].task.task_id, "old");
  EXPECT_EQ(expired[0].results.size(), 1u);
  EXPECT_EQ(expired[0].chunk_count, 3u);
  EXPECT_EQ(g.gathering(), 1u);
  // A result of the expired task arriving late is a duplicate now.
  EXPECT_FALSE(g.Add(MakeResult("old", 1, 3), log.Make(), t0 + std::chrono::seconds(11)));
  EXPECT_TRUE(log.FinishedEmpty(2));
  EXPECT_EQ(g.gathering(), 1u);
}

// The deadline counts from the task's last new result, not its first: a long document
// whose results keep coming is never cut short, and a redelivered duplicate is not
// progress.
TEST(TaskGatherer, TheDeadlineCountsFromTheLastProgress) {
  TaskGatherer g;
  DoneLog log;
  const auto t0 = Clock::now();
  const auto s = [](int n) { return std::chrono::seconds(n); };
  EXPECT_FALSE(g.Add(MakeResult("long", 0, 4), log.Make(), t0));
  EXPECT_FALSE(g.Add(MakeResult("long", 1, 4), log.Make(), t0 + s(8)));
  EXPECT_FALSE(g.Add(MakeResult("long", 2, 4), log.Make(), t0 + s(16)));
  EXPECT_TRUE(g.TakeExpired(t0 + s(25), s(10)).empty());                  // 25 s old, 9 s idle
  EXPECT_FALSE(g.Add(MakeResult("long", 2, 4), log.Make(), t0 + s(25)));  // duplicate
  EXPECT_TRUE(log.FinishedEmpty(3));
  auto expired = g.TakeExpired(t0 + s(26), s(10));
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].results.size(), 3u);
}

TEST(TaskGatherer, HeldCountsTheMessagesOfTasksStillGathering) {
  TaskGatherer g;
  DoneLog log;
  const auto t0 = Clock::now();
  EXPECT_FALSE(g.Add(MakeResult("a", 0, 3), log.Make(), t0));
  EXPECT_FALSE(g.Add(MakeResult("a", 1, 3), log.Make(), t0));
  EXPECT_FALSE(g.Add(MakeResult("a", 1, 3), log.Make(), t0));  // finished at once: not held
  EXPECT_FALSE(g.Add(MakeResult("b", 0, 2), log.Make(), t0 + std::chrono::seconds(5)));
  EXPECT_EQ(g.held(), 3u);
  ASSERT_TRUE(g.Add(MakeResult("a", 2, 3), log.Make(), t0).has_value());
  EXPECT_EQ(g.held(), 1u);  // a's three go on to be answered: work, not parked
  ASSERT_EQ(g.TakeExpired(t0 + std::chrono::seconds(20), std::chrono::seconds(10)).size(), 1u);
  EXPECT_EQ(g.held(), 0u);
}

TEST(TaskGatherer, ForgetsTheOldestFinishedTasksBeyondItsMemory) {
  TaskGatherer g(/*remember=*/2);
  DoneLog log;
  const auto now = Clock::now();
  for (const char* id : {"a", "b", "c"}) ASSERT_TRUE(g.Add(MakeResult(id, 0, 1), log.Make(), now));
  // "a" was forgotten: a redelivery starts (and here completes) it again.
  EXPECT_TRUE(g.Add(MakeResult("a", 0, 1), log.Make(), now).has_value());
  // "c" is remembered.
  EXPECT_FALSE(g.Add(MakeResult("c", 0, 1), log.Make(), now).has_value());
}

}  // namespace
}  // namespace longforge::workers
