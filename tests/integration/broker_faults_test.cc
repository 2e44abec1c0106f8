// The whole pipeline (`longforge run`'s RunPipeline, in this process) on an embedded
// broker the test injects faults into mid-run: brokers down for 5 s, Produce and Fetch
// requests failing with retriable errors, 200 ms of round trip. Whatever the fault,
// the run ends with every task accounted for exactly once (accounting.h).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "accounting.h"
#include "cluster.h"
#include "longforge/kafka/embedded_broker.h"
#include "run/pipeline_runner.h"
#include "support/subprocess.h"

namespace longforge::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kQuestions = 2;

std::string Lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "  " + l + "\n";
  return out;
}

std::unique_ptr<kafka::EmbeddedBroker> StartBroker() {
  auto broker = kafka::EmbeddedBroker::Start({});
  if (!broker) {
    ADD_FAILURE() << broker.error().message;
    return nullptr;
  }
  return std::move(broker.value());
}

// Runs the extractive pipeline over `docs` synthetic documents, by default one open at
// a time so that a fault injected at the first written record comes with most of the
// run still ahead. `fault` runs on its own thread once the first record is written; the run's
// outcome (or error) is checked, then its output directory is counted.
void RunUnderFault(kafka::EmbeddedBroker& broker, int docs,
                   const std::function<void(const std::atomic<bool>& done)>& fault,
                   std::size_t open_documents = 1) {
  const std::string dir = TempDir();
  WriteSyntheticDocuments(dir + "/docs.jsonl", docs, kQuestions, 60);
  app::RunOptions options;
  options.broker = &broker;
  options.inputs = {dir + "/docs.jsonl"};
  options.common.store_dir = dir + "/store";
  options.pipeline.sink.sink.out_dir = dir + "/out";
  options.pipeline.chunker.chunk_tokens = 64;
  options.max_open_documents = open_documents;
  options.progress = false;
  std::atomic<int> written{0};
  std::atomic<int> written_at_fault{-1};
  std::atomic<bool> done{false};
  options.on_sample = [&](const envelope::SampleRecord&) { ++written; };
  std::thread injector([&] {
    while (!done && written.load() == 0) std::this_thread::sleep_for(10ms);
    if (done) return;
    written_at_fault = written.load();
    fault(done);
  });
  app::StopFlag() = false;
  auto outcome = app::RunPipeline(options);
  done = true;
  injector.join();

  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_FALSE(outcome->interrupted);
  EXPECT_TRUE(outcome->delivery_failure.empty()) << outcome->delivery_failure;
  EXPECT_GE(written_at_fault.load(), 1);
  if (open_documents == 1) {
    EXPECT_LT(written_at_fault.load(), docs * kQuestions) << "the fault should come mid-run";
  }
  const auto accounting = ReadAccounting(dir + "/out");
  const auto problems = Unaccounted(accounting, SyntheticTasks(docs, kQuestions));
  EXPECT_TRUE(problems.empty()) << Lines(problems) << accounting.Describe();
  EXPECT_EQ(accounting.Count(TaskEnd::kDeadLettered), 0u) << accounting.Describe();
  EXPECT_EQ(outcome->summary.tasks_ended, static_cast<std::size_t>(docs * kQuestions));
}

// Sleeps `d`, or less when the run is over.
void SleepUnlessDone(std::chrono::milliseconds d, const std::atomic<bool>& done) {
  for (auto left = d; left > 0ms && !done; left -= 50ms) std::this_thread::sleep_for(50ms);
}

TEST(BrokerFaults, OneBrokerDownForFiveSecondsMidRun) {
  auto broker = StartBroker();
  ASSERT_TRUE(broker);
  RunUnderFault(*broker, 4, [&](const std::atomic<bool>&) {
    broker->SetBrokerDown(1);
    std::this_thread::sleep_for(5s);
    broker->SetBrokerUp(1);
  });
}

TEST(BrokerFaults, EveryBrokerDownForFiveSecondsMidRun) {
  auto broker = StartBroker();
  ASSERT_TRUE(broker);
  RunUnderFault(*broker, 4, [&](const std::atomic<bool>&) {
    for (int id = 1; id <= broker->broker_count(); ++id) broker->SetBrokerDown(id);
    std::this_thread::sleep_for(5s);
    for (int id = 1; id <= broker->broker_count(); ++id) broker->SetBrokerUp(id);
  });
}

TEST(BrokerFaults, ProduceAndFetchRequestsFailWithRetriableErrors) {
  auto broker = StartBroker();
  ASSERT_TRUE(broker);
  RunUnderFault(*broker, 4, [&](const std::atomic<bool>& done) {
    // A few failing requests of each kind every 300 ms for 6 s (a leader election, a
    // broker restarting), and a dropped connection every 10th round. Errors pushed for
    // the whole run starve a fetcher: every error backs its fetches off again.
    for (int round = 0; !done && round < 20; ++round) {
      std::vector<rd_kafka_resp_err_t> produce = {
          RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
          RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE};
      if (round % 10 == 0) produce.push_back(RD_KAFKA_RESP_ERR__TRANSPORT);
      broker->PushRequestErrors(kafka::KafkaRequest::kProduce, produce);
      broker->PushRequestErrors(
          kafka::KafkaRequest::kFetch,
          {RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH});
      SleepUnlessDone(300ms, done);
    }
  });
}

TEST(BrokerFaults, TwoHundredMillisecondsOfRoundTrip) {
  auto broker = StartBroker();
  ASSERT_TRUE(broker);
  for (int id = 1; id <= broker->broker_count(); ++id) broker->SetBrokerRtt(id, 200);
  // The delay is there from the start: every document at once keeps the test short.
  RunUnderFault(
      *broker, 3, [](const std::atomic<bool>&) {}, 3);
}

}  // namespace
}  // namespace longforge::testing
