// The client's view of its server: down after attempts in a row fail as an absent or
// overloaded server fails, up again with the first answer; longforge_llm_up follows.

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "longforge/llm/caching_chat_client.h"
#include "longforge/llm/llm_probe.h"
#include "support/llm_test_util.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace longforge::llm {
namespace {

using testing::FakeLlmServer;
using testing::FakeReply;
using testing::FakeRequest;

double Up(const prometheus::Registry& registry, const std::string& stage) {
  for (const auto& family : registry.Collect()) {
    if (family.name != "longforge_llm_up") continue;
    for (const auto& metric : family.metric) {
      if (metric.label.size() == 1 && metric.label[0].value == stage) return metric.gauge.value;
    }
  }
  return -1;
}

TEST(LlmHealth, ServerErrorsInARowMakeItDownAndAnAnswerMakesItUpAgain) {
  std::atomic<bool> failing{true};
  FakeLlmServer server([&](const FakeRequest&) {
    return failing.load() ? FakeReply::Status(503, "overloaded") : FakeReply::Content("fine");
  });
  prometheus::Registry registry;
  LlmProbe probe(registry);
  HttpChatClientOptions options = FastOptions(server);
  options.stage = PipelineStage::kRelevance;
  options.max_attempts = 3;
  options.down_after_failures = 3;
  auto client = MakeClient(options, &probe);
  EXPECT_TRUE(client->health()->Up());
  EXPECT_EQ(Up(registry, "relevance"), 1);

  ASSERT_FALSE(SubmitAndWait(*client, UserRequest("q")).ok());
  ASSERT_FALSE(client->health()->Up()) << "three failed attempts in a row";
  EXPECT_EQ(client->health()->name(), "LLM at " + server.base_url());
  EXPECT_EQ(client->health()->Down()->last_error, "HTTP 503");
  EXPECT_EQ(Up(registry, "relevance"), 0);

  failing = false;
  ASSERT_TRUE(SubmitAndWait(*client, UserRequest("q")).ok());
  EXPECT_TRUE(client->health()->Up());
  EXPECT_EQ(Up(registry, "relevance"), 1);
}

TEST(LlmHealth, ARefusedConnectionCountsAndARejectedRequestDoesNot) {
  HttpChatClientOptions options;
  options.base_url = "http://127.0.0.1:" + std::to_string(testing::FreePort()) + "/v1";
  options.model = "m";
  options.max_attempts = 3;
  options.backoff_base = std::chrono::milliseconds(1);
  options.backoff_max = std::chrono::milliseconds(5);
  auto dead = MakeClient(options);
  ASSERT_FALSE(SubmitAndWait(*dead, UserRequest("q")).ok());
  ASSERT_FALSE(dead->health()->Up());
  EXPECT_NE(dead->health()->Down()->last_error.find("connection error"), std::string::npos)
      << dead->health()->Down()->last_error;

  // A 400 is this request's problem: the server is there.
  FakeLlmServer server([](const FakeRequest&) { return FakeReply::Status(400, "too long"); });
  auto client = MakeClient(FastOptions(server));
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(SubmitAndWait(*client, UserRequest("q")).ok());
  EXPECT_TRUE(client->health()->Up());
}

TEST(LlmHealth, TheCachingClientReportsItsServersHealth) {
  FakeLlmServer server;
  auto http = MakeClient(FastOptions(server));
  const DependencyHealth* health = http->health();
  TempDir dir;
  auto cache = ResponseCache::Open((dir.path() / "cache.sqlite").string());
  ASSERT_TRUE(cache.ok()) << cache.error().message;
  CachingChatClient caching(std::move(http), std::move(cache.value()), "test-model");
  EXPECT_EQ(caching.health(), health);
}

}  // namespace
}  // namespace longforge::llm
