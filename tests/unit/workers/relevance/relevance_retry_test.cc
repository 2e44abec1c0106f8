// The relevance stage's retry policy, through the shared run loop: a call that keeps
// failing while the LLM answers other calls ends as failed chunk results after the
// run loop's bound; while the LLM is down, it is retried without limit.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "longforge/common/dependency_health.h"
#include "longforge/kafka/run_loop.h"
#include "longforge/kafka/topics.h"
#include "support/fake_clock.h"
#include "support/in_memory_sink.h"
#include "support/in_memory_source.h"
#include "support/temp_store.h"
#include "workers/relevance/relevance_worker.h"

namespace longforge::workers {
namespace {

using namespace std::chrono_literals;

// Every call fails as the LLM client reports a call still failing after its retries.
class FailingJudge final : public RelevanceJudge {
 public:
  std::string Name() const override { return "llm:test"; }
  void Judge(std::string, std::vector<std::string> questions, Callback done) override {
    ++calls;
    Judgement failed;
    failed.verdict = envelope::RelevanceVerdict::kFailed;
    failed.failure = Disposition::kRetry;
    failed.error = "LLM request failed after 6 attempt(s); last: HTTP 500";
    done(std::vector<Judgement>(questions.size(), failed), envelope::LlmUsage{1, 0, 0, 0});
  }
  int calls = 0;
};

class RelevanceRetryTest : public ::testing::Test {
 protected:
  RelevanceRetryTest() {
    EXPECT_TRUE(store_->Put("doc.txt", "The bicycle was invented in 1817 by Karl Drais.").ok());
    options_.stage = PipelineStage::kRelevance;
    options_.max_message_attempts = 3;
    options_.dependency = &llm_;
  }

  void Start() {
    loop_ = std::make_unique<kafka::RunLoop>(options_, worker_, sink_, nullptr, clock_);
    source_ = std::make_unique<testing::InMemorySource>(loop_.get());
    envelope::RelevanceRequest req;
    for (int i = 0; i < 2; ++i) {
      envelope::Task t;
      t.task_id = "task" + std::to_string(i);
      t.doc_id = "doc";
      t.question = "When was the bicycle invented?";
      req.tasks.push_back(t);
    }
    req.chunk = {0, 0, 20, 10};
    req.chunk_count = 1;
    source_->Push(kafka::kRelevanceRequests, 0, envelope::Encode(req), "doc:0");
  }
  // Runs the loop over `rounds` retry backoffs (each at most 30 s).
  void Rounds(int rounds) {
    for (int r = 0; r <= rounds; ++r) {
      for (int i = 0; i < 5; ++i) ASSERT_TRUE(loop_->Step(*source_, false));
      clock_.Advance(30001ms);
    }
  }
  std::vector<envelope::RelevanceResult> Results() const {
    std::vector<envelope::RelevanceResult> out;
    for (const auto& m : sink_.delivered()) {
      EXPECT_EQ(m.topic, kafka::kRelevanceResults);
      auto r = envelope::DecodeRelevanceResult(m.value);
      EXPECT_TRUE(r.ok());
      if (r.ok()) out.push_back(*r);
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<store::DocumentStore> store_ = OpenTempStore(dir_);
  FailingJudge judge_;
  RelevanceWorker worker_{*store_, judge_};
  testing::FakeClock clock_;
  DependencyHealth llm_{"LLM at http://llm:8000/v1", 1, clock_};
  kafka::RunLoopOptions options_;
  testing::InMemorySink sink_;
  std::unique_ptr<kafka::RunLoop> loop_;
  std::unique_ptr<testing::InMemorySource> source_;
};

TEST_F(RelevanceRetryTest, ACallThatKeepsFailingWhileTheLlmIsUpFailsTheChunkAfterTheBound) {
  llm_.Answered();  // other calls get answers: the server is there
  Start();
  Rounds(6);
  EXPECT_EQ(judge_.calls, 3) << "the run loop's bound, then no further call";
  const auto results = Results();
  ASSERT_EQ(results.size(), 2u) << "one failed result per task";
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].task.task_id, "task" + std::to_string(i));
    EXPECT_EQ(results[i].verdict, envelope::RelevanceVerdict::kFailed);
    EXPECT_EQ(results[i].backend, "llm:test");
    EXPECT_NE(results[i].error.find("gave up after 3 attempts"), std::string::npos)
        << results[i].error;
    EXPECT_NE(results[i].error.find("HTTP 500"), std::string::npos) << results[i].error;
  }
  EXPECT_EQ(source_->Committed({kafka::kRelevanceRequests, 0}), 1);
}

TEST_F(RelevanceRetryTest, WhileTheLlmIsDownTheMessageIsRetriedAndNothingIsMarkedFailed) {
  llm_.Failed("connection refused");
  Start();
  Rounds(12);
  EXPECT_EQ(judge_.calls, 13) << "retried on every round of the outage";
  EXPECT_TRUE(Results().empty()) << "an outage must not fail chunks";
  EXPECT_EQ(source_->Committed({kafka::kRelevanceRequests, 0}).value_or(0), 0);
}

TEST_F(RelevanceRetryTest, GiveUpReportsEveryTaskOfTheRequestFailed) {
  envelope::RelevanceRequest req;
  envelope::Task t;
  t.task_id = "t";
  t.doc_id = "doc";
  req.tasks = {t};
  req.chunk = {4, 0, 20, 10};
  req.chunk_count = 9;
  kafka::InMessage m{kafka::kRelevanceRequests, 0, 7, "doc:4", envelope::Encode(req)};
  m.attempt = 3;
  auto out = worker_.GiveUp(m, Error::Retry("HTTP 503"));
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->size(), 1u);
  auto r = envelope::DecodeRelevanceResult(out->at(0).value);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, envelope::RelevanceVerdict::kFailed);
  EXPECT_EQ(r->chunk.index, 4u);
  EXPECT_EQ(r->chunk_count, 9u);
  EXPECT_EQ(r->error, "gave up after 3 attempts: HTTP 503");
}

}  // namespace
}  // namespace longforge::workers
