#include "support/fake_llm_server.h"

#include <gtest/gtest.h>

#include "support/llm_test_util.h"

namespace longforge::llm {
namespace {

using testing::FakeLlmServer;

TEST(FakeLlmServer, CountsAndRecordsRequestsPerStage) {
  FakeLlmServer server;
  EXPECT_GT(server.port(), 0);
  auto client = MakeClient(FastOptions(server));
  Results results;
  client->Submit(UserRequest("a", CallKind::kJudge), results.Add());
  client->Submit(UserRequest("b", CallKind::kJudge), results.Add());
  client->Submit(UserRequest("c", CallKind::kKeywords), results.Add());
  ASSERT_TRUE(results.WaitFor(3));
  EXPECT_EQ(server.request_count(), 3);
  EXPECT_EQ(server.request_count("judge"), 2);
  EXPECT_EQ(server.request_count("keywords"), 1);
  EXPECT_EQ(server.request_count("answer"), 0);
  for (const testing::FakeRequest& r : server.requests()) {
    EXPECT_EQ(r.model, "test-model");
    EXPECT_FALSE(r.body.empty());
  }
}

}  // namespace
}  // namespace longforge::llm
