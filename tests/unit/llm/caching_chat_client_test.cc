#include "longforge/llm/caching_chat_client.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "support/llm_test_util.h"

namespace longforge::llm {
namespace {

using testing::FakeLlmServer;
using testing::FakeReply;
using testing::FakeRequest;

class CachingChatClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("longforge-cache-test-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<CachingChatClient> MakeCaching(LlmProbe* probe = nullptr) {
    Result<std::unique_ptr<ResponseCache>> cache = ResponseCache::Open(path());
    if (!cache.ok()) throw std::runtime_error(cache.error().message);
    return std::make_unique<CachingChatClient>(MakeClient(FastOptions(server_)),
                                               std::move(cache).value(), "test-model", probe);
  }

  std::string path() const { return (dir_ / "llm-cache.sqlite").string(); }

  std::filesystem::path dir_;
  FakeLlmServer server_{[](const FakeRequest& r) {
    return FakeReply::Content("answer to " + r.messages.back().content);
  }};
};

TEST_F(CachingChatClientTest, HitSkipsTheServer) {
  prometheus::Registry registry;
  LlmProbe probe(registry);
  auto client = MakeCaching(&probe);
  Result<ChatResponse> first = SubmitAndWait(*client, UserRequest("q1"));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->from_cache);
  Result<ChatResponse> second = SubmitAndWait(*client, UserRequest("q1"));
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_TRUE(second->from_cache);
  EXPECT_EQ(second->content, first->content);
  EXPECT_EQ(second->prompt_tokens, first->prompt_tokens);
  EXPECT_EQ(second->attempts, 0);
  EXPECT_EQ(server_.request_count(), 1);
}

TEST_F(CachingChatClientTest, SurvivesReopeningTheDatabase) {
  ASSERT_TRUE(SubmitAndWait(*MakeCaching(), UserRequest("q1")).ok());
  Result<ChatResponse> replay = SubmitAndWait(*MakeCaching(), UserRequest("q1"));
  ASSERT_TRUE(replay.ok()) << replay.error().message;
  EXPECT_TRUE(replay->from_cache);
  EXPECT_EQ(replay->content, "answer to q1");
  EXPECT_EQ(server_.request_count(), 1);
}

TEST_F(CachingChatClientTest, DifferentParametersOrModelMiss) {
  auto client = MakeCaching();
  ASSERT_TRUE(SubmitAndWait(*client, UserRequest("q1")).ok());
  ChatRequest warmer = UserRequest("q1");
  warmer.temperature = 0.7;
  EXPECT_FALSE(SubmitAndWait(*client, warmer)->from_cache);
  ChatRequest other_model = UserRequest("q1");
  other_model.model = "other";
  EXPECT_FALSE(SubmitAndWait(*client, other_model)->from_cache);
  ChatRequest same_model_named = UserRequest("q1");
  same_model_named.model = "test-model";  // the default, spelled out: same key
  EXPECT_TRUE(SubmitAndWait(*client, same_model_named)->from_cache);
  EXPECT_EQ(server_.request_count(), 3);
}

TEST_F(CachingChatClientTest, ErrorsAreNotCached) {
  server_.SetHandler([](const FakeRequest&) { return FakeReply::Status(400, "no"); });
  auto client = MakeCaching();
  EXPECT_FALSE(SubmitAndWait(*client, UserRequest("q1")).ok());
  server_.SetHandler([](const FakeRequest&) { return FakeReply::Content("yes"); });
  Result<ChatResponse> r = SubmitAndWait(*client, UserRequest("q1"));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->from_cache);
  EXPECT_EQ(server_.request_count(), 2);
}

TEST_F(CachingChatClientTest, BadCachePathIsNamedInTheError) {
  const std::string bad = (dir_ / "missing-dir" / "cache.sqlite").string();
  Result<std::unique_ptr<ResponseCache>> cache = ResponseCache::Open(bad);
  ASSERT_FALSE(cache.ok());
  EXPECT_EQ(cache.error().disposition, Disposition::kStop);
  EXPECT_NE(cache.error().message.find(bad), std::string::npos) << cache.error().message;
  Result<std::unique_ptr<ResponseCache>> directory = ResponseCache::Open(dir_.string());
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.error().message.find(dir_.string()), std::string::npos);
}

TEST_F(CachingChatClientTest, DestructorAnswersEveryOutstandingRequest) {
  server_.SetHandler([](const FakeRequest&) {
    FakeReply slow = FakeReply::Content("late");
    slow.delay = std::chrono::milliseconds(5000);
    return slow;
  });
  Results results;
  {
    auto client = MakeCaching();
    for (int i = 0; i < 5; ++i) client->Submit(UserRequest("q" + std::to_string(i)), results.Add());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(results.size(), 5u);
  for (const Result<ChatResponse>& r : results.Take()) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().disposition, Disposition::kRetry);
  }
}

TEST(ResponseCache, KeyCoversMessageBoundariesAndRoles) {
  ChatRequest a;
  a.messages = {{"user", "ab"}, {"user", "c"}};
  ChatRequest b;
  b.messages = {{"user", "a"}, {"user", "bc"}};
  ChatRequest c;
  c.messages = {{"system", "ab"}, {"user", "c"}};
  EXPECT_EQ(CacheKeyOf(a, "m"), CacheKeyOf(a, "m"));
  EXPECT_NE(CacheKeyOf(a, "m").hash, CacheKeyOf(b, "m").hash);
  EXPECT_NE(CacheKeyOf(a, "m").hash, CacheKeyOf(c, "m").hash);
}

}  // namespace
}  // namespace longforge::llm
