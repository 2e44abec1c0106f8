#include "longforge/llm/openai_protocol.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace longforge::llm {
namespace {

TEST(HttpChatClientProtocol, EncodesModelMessagesAndParameters) {
  ChatRequest request;
  request.messages = {{"user", "hi"}};
  request.temperature = 0.5;
  request.max_tokens = 32;
  request.stop = {"\n\n"};
  const nlohmann::json body = nlohmann::json::parse(EncodeChatRequest(request, "m"));
  EXPECT_EQ(body["model"], "m");
  EXPECT_EQ(body["messages"][0]["content"], "hi");
  EXPECT_EQ(body["temperature"], 0.5);
  EXPECT_EQ(body["max_tokens"], 32);
  EXPECT_EQ(body["stop"][0], "\n\n");
  EXPECT_EQ(body["stream"], false);
}

TEST(HttpChatClientProtocol, OmitsUnsetOptionalParameters) {
  ChatRequest request;
  request.messages = {{"user", "bad byte \xff"}};
  const nlohmann::json body = nlohmann::json::parse(EncodeChatRequest(request, "m"));
  EXPECT_FALSE(body.contains("max_tokens"));
  EXPECT_FALSE(body.contains("stop"));
}

TEST(HttpChatClientProtocol, DecodesContentModelAndUsage) {
  Result<ChatResponse> r = DecodeChatResponse(
      R"({"model":"x","choices":[{"message":{"role":"assistant","content":"yes"}}],)"
      R"("usage":{"prompt_tokens":7,"completion_tokens":2}})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->content, "yes");
  EXPECT_EQ(r->model, "x");
  EXPECT_EQ(r->prompt_tokens, 7);
  EXPECT_EQ(r->completion_tokens, 2);
}

TEST(HttpChatClientProtocol, RejectsBodiesWithoutContent) {
  for (const char* body : {"", "not json", "[]", R"({"choices":[]})",
                           R"({"choices":[{"message":{"content":null}}]})"}) {
    EXPECT_FALSE(DecodeChatResponse(body).ok()) << body;
  }
}

TEST(OpenAiProtocol, EncodedCompletionDecodesBack) {
  const auto r = DecodeChatResponse(EncodeChatCompletion("m", "NONE\n「引文」", 120, 3));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->content, "NONE\n「引文」");
  EXPECT_EQ(r->model, "m");
  EXPECT_EQ(r->prompt_tokens, 120);
  EXPECT_EQ(r->completion_tokens, 3);
}

}  // namespace
}  // namespace longforge::llm
