// The run loop's at-least-once core: what is committed, retried and dead-lettered.
#include "longforge/kafka/run_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "longforge/kafka/topics.h"
#include "unit/kafka/run_loop_fixture.h"

namespace longforge::kafka {
namespace {

using std::chrono::milliseconds;

TEST_F(RunLoopTest, OutOfOrderCompletionNeverCommitsPastUnfinishedWork) {
  MakeLoop();
  for (const char* v : {"a", "b", "c"}) Push(v);
  Settle();
  ASSERT_EQ(handler_.calls(), 3u);
  handler_.Finish(2, Outputs{{kOut, "k", "c done"}});
  handler_.Finish(0, Outputs{});
  Settle();
  EXPECT_EQ(Committed(), 1);
  for (const auto& commit : source_->commits()) EXPECT_LE(commit.at(kP0), 1);
  handler_.Finish(1, Outputs{});
  Settle();
  EXPECT_EQ(Committed(), 3);
  EXPECT_EQ(loop_->totals().finished, 3u);
}

TEST_F(RunLoopTest, CommitsWhenTheCommitIntervalHasPassed) {
  options_.commit_interval = milliseconds(200);
  handler_.rule = Echo;
  MakeLoop();
  Push("a");
  Settle();
  EXPECT_EQ(sink_.delivered().size(), 1u);
  EXPECT_EQ(source_->Committed(kP0), std::nullopt);
  clock_.Advance(milliseconds(199));
  Settle();
  EXPECT_EQ(source_->Committed(kP0), std::nullopt);
  clock_.Advance(milliseconds(1));
  ASSERT_TRUE(loop_->Step(*source_, false));
  EXPECT_EQ(Committed(), 1);
}

TEST_F(RunLoopTest, RetryBacksOffByTheClockThenRedispatches) {
  int attempts = 0;
  handler_.rule = [&](const InMessage& m) -> std::optional<Result<Outputs>> {
    if (++attempts < 3) return Result<Outputs>(Error::Retry("429 from the server"));
    return Echo(m);
  };
  MakeLoop();
  Push("a");
  Settle();
  EXPECT_EQ(handler_.calls(), 1u);
  // First backoff 100 ms, jittered down to no less than half of it.
  clock_.Advance(milliseconds(49));
  Settle();
  EXPECT_EQ(handler_.calls(), 1u);
  clock_.Advance(milliseconds(51));
  Settle();
  EXPECT_EQ(handler_.calls(), 2u);
  // Then doubled: 200 ms, no less than 100.
  clock_.Advance(milliseconds(99));
  Settle();
  EXPECT_EQ(handler_.calls(), 2u);
  EXPECT_EQ(Committed(), 0);
  clock_.Advance(milliseconds(101));
  Settle();
  EXPECT_EQ(handler_.calls(), 3u);
  EXPECT_EQ(loop_->totals().retries, 2u);
  EXPECT_EQ(sink_.delivered().size(), 1u);
  EXPECT_EQ(Committed(), 1);
}

TEST_F(RunLoopTest, RetriesOfOneMessageAreBoundedAndNumberedThenItIsDeadLettered) {
  options_.max_message_attempts = 3;
  handler_.rule = [](const InMessage&) -> std::optional<Result<Outputs>> {
    return Result<Outputs>(Error::Retry("HTTP 500 for this prompt"));
  };
  MakeLoop();
  Push("a");
  Settle();
  RetryRounds(5);
  EXPECT_EQ(handler_.attempts(), (std::vector<int>{1, 2, 3})) << "no fourth attempt";
  EXPECT_EQ(loop_->totals().retries, 2u);
  EXPECT_EQ(loop_->totals().given_up, 1u);
  const auto dlq = DeadLetters();
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0]["reason"], "gave up after 3 attempts: HTTP 500 for this prompt");
  EXPECT_EQ(Committed(), 1);
}

// A dependency whose health the test sets.
class FlippableHealth {
 public:
  explicit FlippableHealth(const Clock& clock) : health("LLM at http://llm:8000/v1", 1, clock) {}
  void Down() { health.Failed("connection refused"); }
  void Up() { health.Answered(); }
  DependencyHealth health;
};

TEST_F(RunLoopTest, RetriesWhileTheDependencyIsDownDoNotCountTowardsTheBound) {
  FlippableHealth llm(clock_);
  options_.max_message_attempts = 2;
  options_.dependency = &llm.health;
  handler_.rule = [](const InMessage&) -> std::optional<Result<Outputs>> {
    return Result<Outputs>(Error::Retry("LLM request failed after 6 attempts"));
  };
  MakeLoop();
  llm.Down();
  Push("a");
  Settle();
  RetryRounds(10);
  EXPECT_EQ(handler_.calls(), 11u) << "retried throughout the outage";
  EXPECT_TRUE(DeadLetters().empty());
  EXPECT_EQ(Committed(), 0);

  llm.Up();  // the server answers again, but this message still fails: two more tries
  RetryRounds(4);
  EXPECT_EQ(handler_.calls(), 13u);
  EXPECT_EQ(handler_.attempts().back(), 13);
  ASSERT_EQ(DeadLetters().size(), 1u);
  EXPECT_EQ(Committed(), 1);
}

TEST_F(RunLoopTest, ZeroMaxMessageAttemptsRetriesWithoutLimit) {
  options_.max_message_attempts = 0;
  handler_.rule = [](const InMessage&) -> std::optional<Result<Outputs>> {
    return Result<Outputs>(Error::Retry("busy"));
  };
  MakeLoop();
  Push("a");
  Settle();
  RetryRounds(8);
  EXPECT_EQ(handler_.calls(), 9u);
  EXPECT_TRUE(DeadLetters().empty());
}

TEST_F(RunLoopTest, ThrowingHandlerDeadLettersAndCarriesOn) {
  handler_.rule = [](const InMessage& m) -> std::optional<Result<Outputs>> {
    if (m.value == "poison") throw std::runtime_error("boom");
    return Echo(m);
  };
  MakeLoop();
  Push("poison");
  Push("fine");
  Settle();
  const auto dlq = DeadLetters();
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0]["reason"], "handler threw: boom");
  EXPECT_EQ(dlq[0]["worker"], "relevance");
  EXPECT_EQ(dlq[0]["topic"], kIn);
  EXPECT_EQ(dlq[0]["offset"], 0);
  EXPECT_EQ(dlq[0]["payload"], "poison");
  ASSERT_EQ(sink_.delivered().size(), 2u);
  EXPECT_EQ(sink_.delivered()[1].value, "out:fine");
  EXPECT_EQ(loop_->totals().dead_lettered, 1u);
  EXPECT_EQ(Committed(), 2);
}

TEST_F(RunLoopTest, DeadLetterDispositionDeadLettersWithoutRetrying) {
  handler_.rule = [](const InMessage&) -> std::optional<Result<Outputs>> {
    return Result<Outputs>(Error::DeadLetter("not a relevance result"));
  };
  MakeLoop();
  Push("garbage");
  Settle();
  const auto dlq = DeadLetters();
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0]["reason"], "not a relevance result");
  EXPECT_EQ(dlq[0]["payload"], "garbage");
  EXPECT_EQ(Committed(), 1);
  clock_.Advance(std::chrono::minutes(1));
  Settle();
  EXPECT_EQ(handler_.calls(), 1u);
  EXPECT_EQ(loop_->totals().retries, 0u);
}

TEST_F(RunLoopTest, FailedDeliveryIsNotCommittedAndIsRetried) {
  handler_.rule = Echo;
  sink_.SetDelivery(testing::InMemorySink::Delivery::kFail, Error::Retry("broker down"));
  MakeLoop();
  Push("a");
  Settle();
  EXPECT_EQ(sink_.produced().size(), 1u);
  EXPECT_TRUE(sink_.delivered().empty());
  EXPECT_EQ(Committed(), 0);
  sink_.SetDelivery(testing::InMemorySink::Delivery::kAcknowledge);
  clock_.Advance(milliseconds(100));
  Settle();
  EXPECT_EQ(handler_.calls(), 2u);  // the handler is asked again, not just the producer
  EXPECT_EQ(sink_.delivered().size(), 1u);
  EXPECT_EQ(Committed(), 1);
}

TEST_F(RunLoopTest, UndeliverableOutputIsDeadLetteredAndCommittedOnceThatIsDelivered) {
  handler_.rule = Echo;
  sink_.SetDelivery(testing::InMemorySink::Delivery::kHold);
  MakeLoop();
  Push("huge");
  Settle();
  EXPECT_EQ(Committed(), 0);  // a held delivery keeps its input uncommitted
  ASSERT_EQ(sink_.Release(Error::DeadLetter("message too large")), 1u);
  Settle();
  ASSERT_EQ(sink_.held(), 1u);
  EXPECT_EQ(sink_.produced().back().topic, kDlq);
  EXPECT_EQ(Committed(), 0);
  ASSERT_EQ(sink_.Release(), 1u);
  Settle();
  ASSERT_EQ(DeadLetters().size(), 1u);
  EXPECT_EQ(DeadLetters()[0]["reason"], "message too large");
  EXPECT_EQ(handler_.calls(), 1u);
  EXPECT_EQ(Committed(), 1);
}

TEST_F(RunLoopTest, StopCommitsFinishedWorkAndLeavesTheRestForRedelivery) {
  options_.commit_interval = std::chrono::hours(1);  // only the end commits
  MakeLoop();
  for (const char* v : {"a", "b", "c"}) Push(v);
  Settle();
  handler_.Finish(0, Outputs{});
  handler_.Finish(2, Outputs{});
  Push("after stop");
  EXPECT_TRUE(loop_->Step(*source_, true));  // b is still in progress
  clock_.Advance(options_.drain_timeout - milliseconds(1));
  EXPECT_TRUE(loop_->Step(*source_, true));
  clock_.Advance(milliseconds(1));
  EXPECT_FALSE(loop_->Step(*source_, true));
  EXPECT_TRUE(loop_->End(*source_).ok());
  EXPECT_EQ(Committed(), 1);
  EXPECT_EQ(handler_.calls(), 3u);  // nothing new is taken while stopping
  EXPECT_EQ(source_->queued(), 1u);
}

TEST_F(RunLoopTest, RunReturnsOnceStoppedAndDrained) {
  handler_.rule = [](const InMessage& m) -> std::optional<Result<Outputs>> {
    if (m.value == "slow") return std::nullopt;
    return Echo(m);
  };
  MakeLoop();
  Push("fast");
  Push("slow");
  std::atomic<bool> stop{false}, returned{false};
  Status status;
  std::thread runner([&] {
    status = loop_->Run(*source_, stop);
    returned = true;
  });
  for (int i = 0; i < 5000 && handler_.calls() < 2; ++i)
    std::this_thread::sleep_for(milliseconds(1));
  ASSERT_EQ(handler_.calls(), 2u);
  stop = true;
  // The fake clock never reaches the drain deadline: Run waits for "slow".
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_FALSE(returned);
  handler_.Finish(1, Outputs{});
  runner.join();
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(Committed(), 2);
}

TEST_F(RunLoopTest, StopErrorEndsTheLoopAndIsReturned) {
  handler_.rule = [](const InMessage&) -> std::optional<Result<Outputs>> {
    return Result<Outputs>(Error::Stop("document store lost"));
  };
  MakeLoop();
  Push("a");
  Push("b");
  EXPECT_TRUE(loop_->Step(*source_, false));
  EXPECT_FALSE(loop_->Step(*source_, false));
  const Status status = loop_->End(*source_);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().disposition, Disposition::kStop);
  EXPECT_EQ(status.error().message, "document store lost");
  EXPECT_EQ(handler_.calls(), 1u);
  EXPECT_EQ(Committed(), 0);
}

// A handler that emits before it finishes (the questioner's gate): what it emitted is
// produced at once, its delivery reported back, and the message is committed only once
// it is done and every emitted output was acknowledged.
TEST_F(RunLoopTest, EmittedOutputsAreProducedAtOnceAndHoldTheCommitUntilDelivered) {
  MakeLoop();
  Push("a");
  Settle();
  ASSERT_EQ(handler_.calls(), 1u);
  sink_.SetDelivery(testing::InMemorySink::Delivery::kHold);
  std::vector<Status> reports;
  handler_.EmitFor(0, Outputs{{kOut, "k", "early 1"}, {kOut, "k", "early 2"}},
                   [&](Status s) { reports.push_back(s); });
  Settle();
  EXPECT_EQ(sink_.produced().size(), 2u);
  EXPECT_TRUE(reports.empty()) << "reported before the broker answered";

  handler_.Finish(0, Outputs{});  // done, but the emitted outputs are not delivered yet
  Settle();
  EXPECT_EQ(Committed(), 0);
  EXPECT_EQ(loop_->totals().finished, 0u);

  EXPECT_EQ(sink_.Release(), 2u);
  Settle();
  ASSERT_EQ(reports.size(), 1u) << "one report per emitted batch";
  EXPECT_TRUE(reports[0].ok());
  EXPECT_EQ(Committed(), 1);
  EXPECT_EQ(loop_->totals().finished, 1u);
}

TEST_F(RunLoopTest, AnEmittedOutputThatFailsIsReportedToTheHandler) {
  MakeLoop();
  Push("a");
  Settle();
  sink_.SetDelivery(testing::InMemorySink::Delivery::kFail, Error::Retry("broker said no"));
  std::optional<Status> report;
  handler_.EmitFor(0, Outputs{{kOut, "k", "early"}}, [&](Status s) { report = s; });
  Settle();
  ASSERT_TRUE(report.has_value());
  ASSERT_FALSE(report->ok());
  EXPECT_NE(report->error().message.find("broker said no"), std::string::npos);
  // The handler decides: here it asks for the message again, which is retried as usual.
  sink_.SetDelivery(testing::InMemorySink::Delivery::kAcknowledge);
  handler_.Finish(0, Error::Retry("emitted output lost"));
  Settle();
  RetryRounds(1);
  EXPECT_EQ(handler_.calls(), 2u);
  EXPECT_EQ(Committed(), 0);
}

}  // namespace
}  // namespace longforge::kafka
