#include "longforge/llm/http_chat_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <map>
#include <thread>

#include "support/llm_test_util.h"
#include "support/metrics_text.h"

namespace longforge::llm {
namespace {

using std::chrono::milliseconds;
using testing::FakeLlmServer;
using testing::FakeReply;
using testing::FakeRequest;

// Replies `first` to the first `n` requests and a normal completion afterwards.
FakeLlmServer::Handler FailFirst(int n, FakeReply first) {
  auto seen = std::make_shared<std::atomic<int>>(0);
  return [seen, n, first](const FakeRequest&) {
    return seen->fetch_add(1) < n ? first : FakeReply::Content("recovered");
  };
}

TEST(HttpChatClient, ReturnsContentAndUsage) {
  FakeLlmServer server([](const FakeRequest& r) {
    return FakeReply::Content("echo: " + r.messages.back().content);
  });
  auto client = MakeClient(FastOptions(server));
  Result<ChatResponse> r = SubmitAndWait(*client, UserRequest("hello"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->content, "echo: hello");
  EXPECT_EQ(r->model, "test-model");
  EXPECT_GT(r->prompt_tokens, 0);
  EXPECT_GT(r->completion_tokens, 0);
  EXPECT_FALSE(r->from_cache);
  EXPECT_EQ(r->attempts, 1);
}

TEST(HttpChatClient, SendsStageModelAndBearerHeaders) {
  FakeLlmServer server;
  HttpChatClientOptions options = FastOptions(server);
  options.api_key = "sk-test-secret";
  auto client = MakeClient(options);
  ChatRequest request = UserRequest("q", CallKind::kRelevance);
  request.model = "other-model";
  ASSERT_TRUE(SubmitAndWait(*client, request).ok());
  const std::vector<FakeRequest> seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].stage, "relevance");
  EXPECT_EQ(seen[0].authorization, "Bearer sk-test-secret");
  EXPECT_EQ(seen[0].model, "other-model");
  EXPECT_EQ(seen[0].messages, request.messages);
}

TEST(HttpChatClient, OmitsAuthorizationWithoutKey) {
  FakeLlmServer server;
  auto client = MakeClient(FastOptions(server));
  ASSERT_TRUE(SubmitAndWait(*client, UserRequest("q")).ok());
  EXPECT_EQ(server.requests().at(0).authorization, "");
}

TEST(HttpChatClient, HonoursRetryAfterOn429) {
  FakeReply busy = FakeReply::Status(429, R"({"error":"busy"})");
  busy.retry_after_seconds = 1;
  FakeLlmServer server(FailFirst(1, busy));
  auto client = MakeClient(FastOptions(server));
  const auto start = std::chrono::steady_clock::now();
  Result<ChatResponse> r = SubmitAndWait(*client, UserRequest("q"));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->content, "recovered");
  EXPECT_EQ(r->attempts, 2);
  EXPECT_GE(elapsed, milliseconds(1000));  // the backoff alone would be <= 20 ms
}

TEST(HttpChatClient, Retries500) {
  FakeLlmServer server(FailFirst(2, FakeReply::Status(500, "oops")));
  auto client = MakeClient(FastOptions(server));
  Result<ChatResponse> r = SubmitAndWait(*client, UserRequest("q"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->attempts, 3);
  EXPECT_EQ(server.request_count(), 3);
}

TEST(HttpChatClient, DoesNotRetry400) {
  FakeLlmServer server(
      [](const FakeRequest&) { return FakeReply::Status(400, R"({"error":"context too long"})"); });
  auto client = MakeClient(FastOptions(server));
  Result<ChatResponse> r = SubmitAndWait(*client, UserRequest("q"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().disposition, Disposition::kDeadLetter);
  EXPECT_NE(r.error().message.find("400"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("context too long"), std::string::npos) << r.error().message;
  EXPECT_EQ(server.request_count(), 1);
}

TEST(HttpChatClient, UnauthorizedStops) {
  FakeLlmServer server([](const FakeRequest&) { return FakeReply::Status(401, "no key"); });
  auto client = MakeClient(FastOptions(server));
  Result<ChatResponse> r = SubmitAndWait(*client, UserRequest("q"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().disposition, Disposition::kStop);
  EXPECT_EQ(server.request_count(), 1);
}

TEST(HttpChatClient, RetriesMalformedBodyOnceThenDeadLetters) {
  FakeReply malformed;
  malformed.mode = FakeReply::Mode::kMalformed;
  FakeLlmServer server([malformed](const FakeRequest&) { return malformed; });
  HttpChatClientOptions options = FastOptions(server);
  options.max_attempts = 6;
  auto client = MakeClient(options);
  Result<ChatResponse> r = SubmitAndWait(*client, UserRequest("q"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().disposition, Disposition::kDeadLetter);
  EXPECT_NE(r.error().message.find("malformed"), std::string::npos) << r.error().message;
  EXPECT_EQ(server.request_count(), 2);
}

TEST(HttpChatClient, MalformedOnceThenGoodSucceeds) {
  FakeReply malformed;
  malformed.mode = FakeReply::Mode::kMalformed;
  FakeLlmServer server(FailFirst(1, malformed));
  auto client = MakeClient(FastOptions(server));
  Result<ChatResponse> r = SubmitAndWait(*client, UserRequest("q"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->attempts, 2);
}

TEST(HttpChatClient, DroppedConnectionIsRetried) {
  FakeReply drop;
  drop.mode = FakeReply::Mode::kDrop;
  FakeLlmServer server(FailFirst(1, drop));
  auto client = MakeClient(FastOptions(server));
  Result<ChatResponse> r = SubmitAndWait(*client, UserRequest("q"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->attempts, 2);
}

TEST(HttpChatClient, TimeoutIsRetriedThenFails) {
  FakeReply slow = FakeReply::Content("late");
  slow.delay = milliseconds(3000);
  FakeLlmServer server([slow](const FakeRequest&) { return slow; });
  HttpChatClientOptions options = FastOptions(server);
  options.request_timeout = milliseconds(200);
  options.max_attempts = 2;
  auto client = MakeClient(options);
  Result<ChatResponse> r = SubmitAndWait(*client, UserRequest("q"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().disposition, Disposition::kRetry);
  EXPECT_NE(r.error().message.find("after 2 attempt"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("timed out"), std::string::npos) << r.error().message;
  EXPECT_EQ(server.request_count(), 2);
}

TEST(HttpChatClient, ServerDownIsRetriedThenFailsWithReason) {
  std::string base_url;
  {
    FakeLlmServer gone;  // take a free port, then close it
    base_url = gone.base_url();
  }
  HttpChatClientOptions options;
  options.base_url = base_url;
  options.model = "m";
  options.max_attempts = 3;
  options.backoff_base = milliseconds(5);
  options.backoff_max = milliseconds(10);
  auto client = MakeClient(options);
  Result<ChatResponse> r = SubmitAndWait(*client, UserRequest("q"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("after 3 attempt"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("connect"), std::string::npos) << r.error().message;
}

TEST(HttpChatClient, RespectsConcurrencyLimit) {
  FakeLlmServer server([](const FakeRequest&) {
    FakeReply reply = FakeReply::Content("ok");
    reply.delay = milliseconds(20);
    return reply;
  });
  HttpChatClientOptions options = FastOptions(server);
  options.concurrency = 4;
  auto client = MakeClient(options);
  Results results;
  for (int i = 0; i < 40; ++i) client->Submit(UserRequest("q"), results.Add());
  ASSERT_TRUE(results.WaitFor(40));
  EXPECT_LE(server.max_concurrent(), 4);
  EXPECT_GE(server.max_concurrent(), 2);  // requests really overlap
}

// A server that serves 4 requests at once and turns the rest away with 503: a client
// at a fixed 32 keeps hammering it; the adaptive one backs off to what it serves, so
// far fewer attempts are turned away, and its limit shows on the gauge.
TEST(HttpChatClient, BacksOffToWhatAnOverloadedServerServes) {
  std::map<bool, int> turned_away;
  for (const bool adaptive : {false, true}) {
    SCOPED_TRACE(adaptive ? "adaptive" : "fixed");
    std::atomic<int> in_service{0}, rejected{0};
    FakeLlmServer server([&](const FakeRequest&) {
      if (++in_service > 4) {
        --in_service;
        ++rejected;
        return FakeReply::Status(503, "busy");
      }
      std::this_thread::sleep_for(milliseconds(20));
      --in_service;
      return FakeReply::Content("ok");
    });
    HttpChatClientOptions options = FastOptions(server);
    options.concurrency = 32;
    options.adaptive_concurrency = adaptive;
    options.max_attempts = 1000;
    options.stage = PipelineStage::kRelevance;
    prometheus::Registry registry;
    LlmProbe probe(registry);
    auto client = MakeClient(options, &probe);
    Results results;
    for (int i = 0; i < 200; ++i) client->Submit(UserRequest("q"), results.Add());
    ASSERT_TRUE(results.WaitFor(200, std::chrono::seconds(60)));
    int ok = 0;
    for (const auto& r : results.Take()) ok += r.ok() ? 1 : 0;
    EXPECT_EQ(ok, 200);
    turned_away[adaptive] = rejected.load();
    if (adaptive) {
      const std::string metrics = builders::MetricsText(registry);
      const std::string gauge = "longforge_llm_concurrency_limit{stage=\"relevance\"} ";
      const auto at = metrics.find(gauge);
      ASSERT_NE(at, std::string::npos) << metrics;
      EXPECT_LT(std::stod(metrics.substr(at + gauge.size())), 32) << metrics.substr(at, 60);
    }
  }
  std::cerr << "turned away: fixed " << turned_away[false] << ", adaptive " << turned_away[true]
            << "\n";
  EXPECT_LT(turned_away[true] * 3, turned_away[false])
      << "fixed: " << turned_away[false] << " turned away, adaptive: " << turned_away[true];
}

TEST(HttpChatClient, ManyConcurrentRequestsCompleteExactlyOnce) {
  FakeLlmServer server([](const FakeRequest& r) {
    FakeReply reply = FakeReply::Content(r.messages.back().content);
    reply.delay = milliseconds(10);
    return reply;
  });
  HttpChatClientOptions options = FastOptions(server);
  options.concurrency = 64;
  auto client = MakeClient(options);
  constexpr int kRequests = 200;
  std::mutex mu;
  std::map<std::string, int> calls;
  std::atomic<int> done{0};
  // Submit from several threads, as workers do.
  std::vector<std::thread> submitters;
  for (int t = 0; t < 4; ++t) {
    submitters.emplace_back([&, t] {
      for (int i = t; i < kRequests; i += 4) {
        client->Submit(UserRequest("id-" + std::to_string(i)), [&](Result<ChatResponse> r) {
          std::lock_guard lock(mu);
          ++calls[r.ok() ? r->content : "error: " + r.error().message];
          ++done;
        });
      }
    });
  }
  for (std::thread& t : submitters) t.join();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (done < kRequests && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  std::this_thread::sleep_for(milliseconds(50));  // a duplicate would show up now
  std::lock_guard lock(mu);
  EXPECT_EQ(done.load(), kRequests);
  ASSERT_EQ(calls.size(), static_cast<std::size_t>(kRequests));
  for (const auto& [id, count] : calls) EXPECT_EQ(count, 1) << id;
  EXPECT_GT(server.max_concurrent(), 8);
}

TEST(HttpChatClient, DestructorFailsOutstandingWithRetry) {
  FakeLlmServer server([](const FakeRequest&) {
    FakeReply reply = FakeReply::Content("late");
    reply.delay = milliseconds(5000);
    return reply;
  });
  HttpChatClientOptions options = FastOptions(server);
  options.concurrency = 2;  // one request stays queued in the client
  Results results;
  {
    auto client = MakeClient(options);
    for (int i = 0; i < 3; ++i) client->Submit(UserRequest("q"), results.Add());
    std::this_thread::sleep_for(milliseconds(100));
  }
  ASSERT_EQ(results.size(), 3u);
  for (const Result<ChatResponse>& r : results.Take()) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().disposition, Disposition::kRetry);
    EXPECT_NE(r.error().message.find("shut down"), std::string::npos);
  }
}

}  // namespace
}  // namespace longforge::llm
