// /metrics and /healthz on one port; /healthz follows the health of an LLM client
// whose server goes down and comes back, as a `longforge worker` reports it.

#include "longforge/metrics/metrics_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <prometheus/counter.h>

#include <atomic>

#include "longforge/llm/http_chat_client.h"
#include "longforge/llm/llm_probe.h"
#include "support/llm_test_util.h"
#include "support/subprocess.h"

namespace longforge::metrics {
namespace {

MetricsOptions OnPort(int port) {
  MetricsOptions options;
  options.port = port;  // on the default address, loopback
  return options;
}

std::unique_ptr<MetricsServer> StartServer() {
  auto server = MetricsServer::Start(OnPort(testing::FreePort()));
  if (!server.ok()) throw std::runtime_error(server.error().message);
  return std::move(server.value());
}

httplib::Result Get(const MetricsServer& server, const std::string& path) {
  const std::string& endpoint = server.endpoint();
  httplib::Client client("127.0.0.1", std::stoi(endpoint.substr(endpoint.rfind(':') + 1)));
  return client.Get(path);
}

TEST(MetricsServer, ServesTheRegistryAndHealthOnOnePort) {
  auto server = StartServer();
  prometheus::BuildCounter()
      .Name("longforge_test_total")
      .Register(server->registry())
      .Add({})
      .Increment(3);
  auto metrics = Get(*server, "/metrics");
  ASSERT_TRUE(metrics) << httplib::to_string(metrics.error());
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("longforge_test_total 3"), std::string::npos) << metrics->body;
  auto health = Get(*server, "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok\n");
}

TEST(MetricsServer, HealthzIsUnavailableWhileTheLlmIsDownAndNamesIt) {
  std::atomic<bool> down{false};
  testing::FakeLlmServer llm([&](const testing::FakeRequest&) {
    return down.load() ? testing::FakeReply::Status(503, "no GPU")
                       : testing::FakeReply::Content("ok");
  });
  auto server = StartServer();
  llm::LlmProbe probe(server->registry());
  llm::HttpChatClientOptions options = llm::FastOptions(llm);
  options.stage = PipelineStage::kRelevance;
  auto client = llm::MakeClient(options, &probe);
  server->AddHealthCheck(client->health());

  ASSERT_TRUE(llm::SubmitAndWait(*client, llm::UserRequest("q")).ok());
  EXPECT_EQ(Get(*server, "/healthz")->status, 200);

  down = true;
  ASSERT_FALSE(llm::SubmitAndWait(*client, llm::UserRequest("q")).ok());
  auto unhealthy = Get(*server, "/healthz");
  ASSERT_TRUE(unhealthy);
  EXPECT_EQ(unhealthy->status, 503);
  EXPECT_NE(unhealthy->body.find("LLM at " + llm.base_url() + " is down"), std::string::npos)
      << unhealthy->body;
  EXPECT_NE(Get(*server, "/metrics")->body.find("longforge_llm_up{stage=\"relevance\"} 0"),
            std::string::npos);

  down = false;
  ASSERT_TRUE(llm::SubmitAndWait(*client, llm::UserRequest("q")).ok());
  auto healthy = Get(*server, "/healthz");
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->status, 200);
  EXPECT_EQ(healthy->body, "ok\n");
  EXPECT_NE(Get(*server, "/metrics")->body.find("longforge_llm_up{stage=\"relevance\"} 1"),
            std::string::npos);
}

TEST(MetricsServer, APortInUseIsAnErrorNamingIt) {
  auto first = StartServer();
  const std::string endpoint = first->endpoint();
  auto second = MetricsServer::Start(OnPort(std::stoi(endpoint.substr(endpoint.rfind(':') + 1))));
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find(endpoint), std::string::npos) << second.error().message;
}

}  // namespace
}  // namespace longforge::metrics
