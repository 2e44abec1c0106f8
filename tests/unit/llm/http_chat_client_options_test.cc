#include <gtest/gtest.h>

#include <cstdlib>

#include "longforge/llm/http_chat_client.h"

namespace longforge::llm {
namespace {

TEST(HttpChatClientOptions, DefaultsAreDocumentedValues) {
  HttpChatClientOptions options;
  EXPECT_EQ(options.concurrency, 64);
  EXPECT_EQ(options.connect_timeout, std::chrono::seconds(10));
  EXPECT_EQ(options.request_timeout, std::chrono::seconds(300));
  EXPECT_EQ(options.max_attempts, 6);
  options.base_url = "http://localhost:8000/v1";
  options.model = "m";
  EXPECT_TRUE(options.Validate().ok());
}

TEST(HttpChatClientOptions, ValidateListsEveryProblemAtOnce) {
  HttpChatClientOptions options;
  options.base_url = "localhost:8000";
  options.concurrency = 0;
  options.max_attempts = 0;
  options.request_timeout = std::chrono::milliseconds(0);
  const Status status = options.Validate();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().disposition, Disposition::kStop);
  const std::string& message = status.error().message;
  for (const char* expected :
       {"http://", "/v1", "model", "concurrency", "max_attempts", "request_timeout"}) {
    EXPECT_NE(message.find(expected), std::string::npos) << expected << " in: " << message;
  }
}

TEST(HttpChatClientOptions, CreateRefusesInvalidOptions) {
  Result<std::unique_ptr<HttpChatClient>> client = HttpChatClient::Create({});
  ASSERT_FALSE(client.ok());
  EXPECT_NE(client.error().message.find("base_url is required"), std::string::npos);
}

TEST(HttpChatClientOptions, ApiKeyFromEnvironmentPrefersLongforgeVariable) {
  ::unsetenv("LONGFORGE_LLM_API_KEY");
  ::unsetenv("OPENAI_API_KEY");
  EXPECT_EQ(ApiKeyFromEnvironment(), "");
  ::setenv("OPENAI_API_KEY", "openai", 1);
  EXPECT_EQ(ApiKeyFromEnvironment(), "openai");
  ::setenv("LONGFORGE_LLM_API_KEY", "longforge", 1);
  EXPECT_EQ(ApiKeyFromEnvironment(), "longforge");
  ::unsetenv("LONGFORGE_LLM_API_KEY");
  ::unsetenv("OPENAI_API_KEY");
}

}  // namespace
}  // namespace longforge::llm
