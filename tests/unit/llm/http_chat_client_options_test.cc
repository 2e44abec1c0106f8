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
  EXPECT_TRUE(options.Validate().empty());
}

TEST(HttpChatClientOptions, ValidateListsEveryProblemAtOnce) {
  HttpChatClientOptions options;
  options.base_url = "localhost:8000";
  options.concurrency = 0;
  options.max_attempts = 0;
  options.request_timeout = std::chrono::milliseconds(0);
  EXPECT_EQ(options.Validate().size(), 6u);
  // The client refuses to start with them, naming every problem at once.
  const auto client = HttpChatClient::Create(options);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().disposition, Disposition::kStop);
  const std::string& message = client.error().message;
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
