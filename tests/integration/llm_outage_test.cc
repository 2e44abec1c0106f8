// `longforge run` when its LLM is not there: it refuses to start against a URL nobody
// answers on, and gives up with exit 1 (saying how to resume) when the server stays
// down mid-run for longer than --llm-outage-timeout.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "cargo_llm.h"
#include "cluster.h"
#include "support/fake_llm_server.h"
#include "support/programs.h"
#include "support/subprocess.h"

namespace longforge::testing {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> RunArgs(const std::string& dir, const std::string& llm_url) {
  return LlmRunArgs(dir, dir + "/docs.jsonl", llm_url);
}

TEST(LlmOutage, RunAgainstADeadUrlExitsOneNamingIt) {
  const std::string dir = TempDir();
  WriteSyntheticDocuments(dir + "/docs.jsonl", 1, 2, 40);
  const std::string url = "http://127.0.0.1:" + std::to_string(FreePort()) + "/v1";
  // Generous: the check takes well under a second; before it, the run never ended.
  const auto r = RunCommand(RunArgs(dir, url), 60s);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find(url), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not reachable"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("longforge run summary"), std::string::npos)
      << "nothing should have been ingested: " << r.out;
}

TEST(LlmOutage, RunRefusesARejectedApiKey) {
  const std::string dir = TempDir();
  WriteSyntheticDocuments(dir + "/docs.jsonl", 1, 1, 40);
  FakeLlmServer server([](const FakeRequest&) { return FakeReply::Status(401, "bad key"); });
  server.SetModelsStatus(401);
  const auto r = RunCommand(RunArgs(dir, server.base_url()), 60s);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("API key"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(server.base_url()), std::string::npos) << r.err;
  EXPECT_EQ(server.request_count(), 0) << "no chat call before the check passed";
}

TEST(LlmOutage, AServerDownMidRunEndsItAfterTheOutageTimeoutWithTheResumeCommand) {
  const std::string dir = TempDir();
  WriteSyntheticDocuments(dir + "/docs.jsonl", 1, 2, 200);
  std::atomic<int> answered{0};
  FakeLlmServer server([&](const FakeRequest& r) {
    // A few calls succeed, then the server goes away for good.
    if (answered.fetch_add(1) < 3) return CargoScript(r, 0ms);
    return FakeReply::Status(503, "the GPU node went away");
  });
  auto args = RunArgs(dir, server.base_url());
  args.insert(args.end(), {"--llm-outage-timeout", "3"});
  auto run = Subprocess::Start(args);
  ASSERT_EQ(run->Wait(120s), 1) << run->Stdout() << run->Stderr();
  const std::string err = run->Stderr();
  EXPECT_GE(answered.load(), 4) << "the outage should have come mid-run";
  EXPECT_NE(err.find("LLM at " + server.base_url()), std::string::npos) << err;
  EXPECT_NE(err.find("--llm-outage-timeout 3"), std::string::npos) << err;
  EXPECT_NE(err.find("run the same command again"), std::string::npos) << err;
  EXPECT_NE(err.find(dir + "/store/llm-cache.sqlite"), std::string::npos) << err;
}

// A long-running worker does not exit when its LLM goes away: it keeps retrying and
// says so on /healthz (503) and in longforge_llm_up, and carries on when the server is
// back, with every task completed.
TEST(LlmOutage, AWorkerTurnsUnhealthyDuringAnOutageAndRecovers) {
  LF_REQUIRE_PROGRAMS("curl");
  const std::string dir = TempDir();
  WriteSyntheticDocuments(dir + "/docs.jsonl", 1, 2, 40);
  std::atomic<bool> down{false};
  FakeLlmServer server([&](const FakeRequest& r) {
    if (down) return FakeReply::Status(503, "the GPU node went away");
    return CargoScript(r, 0ms);
  });
  Cluster cluster(dir);
  std::string error;
  ASSERT_TRUE(cluster.StartBroker(error)) << error;
  const int port = FreePort();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  cluster.StartWorker("relevance", port,
                      {"--llm-url", server.base_url(), "--llm-model", "fake-model"});
  for (const char* stage : {"chunker", "mapper", "questioner", "answer", "filter", "sink"}) {
    cluster.StartWorker(stage);
  }
  const auto status = [&](const std::string& path) {
    const auto r = RunCommand({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", base + path});
    return r.out;
  };
  ASSERT_TRUE(WaitFor([&] { return status("/healthz") == "200"; }, 30s)) << cluster.Logs();

  down = true;
  const auto ingest = cluster.Ingest({dir + "/docs.jsonl"});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  ASSERT_TRUE(WaitFor([&] { return status("/healthz") == "503"; }, 60s)) << cluster.Logs();
  const auto metrics = RunCommand({"curl", "-s", base + "/metrics"});
  EXPECT_TRUE(Contains(metrics.out, "longforge_llm_up{stage=\"relevance\"} 0")) << metrics.out;
  EXPECT_TRUE(cluster.worker("relevance").Running()) << "the worker must keep retrying";

  down = false;
  ASSERT_TRUE(WaitFor([&] { return status("/healthz") == "200"; }, 90s)) << cluster.Logs();
  ASSERT_TRUE(WaitFor([&] { return cluster.Written() >= 2; }, 120s)) << cluster.Logs();
}

}  // namespace
}  // namespace longforge::testing
