#include "workers/answer/keywords.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "support/llm_test_util.h"

namespace longforge::workers {
namespace {

using testing::FakeLlmServer;
using testing::FakeReply;
using testing::FakeRequest;

// Runs one Extract and waits for its callback.
Keywords ExtractAndWait(KeywordSource& source, const std::string& question,
                        const std::string& opening = "") {
  std::promise<Keywords> promise;
  auto future = promise.get_future();
  source.Extract(question, opening, [&promise](Keywords k) { promise.set_value(std::move(k)); });
  if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << "no keywords within 10 s";
    return {};
  }
  return future.get();
}

TEST(ParseKeywordReply, ReadsTheTwoLines) {
  auto k = ParseKeywordReply(
      "INFO: When was the bicycle invented?\nKEYWORDS: bicycle, invention, Fahrrad, 1817");
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(k->information, "When was the bicycle invented?");
  EXPECT_EQ(k->keywords, (std::vector<std::string>{"bicycle", "invention", "Fahrrad", "1817"}));
}

TEST(ParseKeywordReply, IsLenientAboutCaseMarkdownQuotesAndSeparators) {
  auto k = ParseKeywordReply(
      "Sure! Here you go:\n\n- **Info**: the bicycle's inventor\n"
      "* **Keywords:** \"bicycle\"; 'inventor' , 自行车、发明， bicycle\n");
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(k->information, "the bicycle's inventor");
  EXPECT_EQ(k->keywords, (std::vector<std::string>{"bicycle", "inventor", "自行车", "发明"}));
}

TEST(ParseKeywordReply, TheLastLineOfEachKindWins) {
  auto k = ParseKeywordReply(
      "<think>INFO: draft\nKEYWORDS: draft</think>\nINFO: final\nKEYWORDS: final one");
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(k->information, "final");
  EXPECT_EQ(k->keywords, (std::vector<std::string>{"final one"}));
}

TEST(ParseKeywordReply, KeywordsAloneAreEnoughAndAreCapped) {
  auto k = ParseKeywordReply("keywords: a, b, c, d", 2);
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(k->information, "");
  EXPECT_EQ(k->keywords, (std::vector<std::string>{"a", "b"}));
}

TEST(ParseKeywordReply, GarbageIsNullopt) {
  EXPECT_FALSE(ParseKeywordReply("I cannot help with that.").has_value());
  EXPECT_FALSE(ParseKeywordReply("").has_value());
  EXPECT_FALSE(ParseKeywordReply("INFO:\nKEYWORDS: , ,").has_value());
  EXPECT_FALSE(ParseKeywordReply("Information about keywords").has_value());
}

TEST(LlmKeywordSource, AsksTheKeywordsStageAndParsesTheReply) {
  FakeLlmServer server([](const FakeRequest&) {
    return FakeReply::Content("INFO: who invented the bicycle\nKEYWORDS: bicycle, Drais");
  });
  auto client = llm::MakeClient(llm::FastOptions(server));
  auto source = MakeLlmKeywordSource(*client);
  const Keywords k =
      ExtractAndWait(*source, "Who invented the bicycle? Answer in French.", "Il était une fois");

  EXPECT_EQ(k.information, "who invented the bicycle");
  EXPECT_EQ(k.keywords, (std::vector<std::string>{"bicycle", "Drais"}));
  EXPECT_EQ(k.source, "llm");
  EXPECT_EQ(k.usage.calls, 1u);
  EXPECT_GT(k.usage.prompt_tokens, 0u);
  ASSERT_EQ(server.request_count("keywords"), 1);
  const auto request = server.requests().front();
  EXPECT_EQ(request.stage, "keywords");
  ASSERT_FALSE(request.messages.empty());
  const std::string& prompt = request.messages.back().content;
  EXPECT_NE(prompt.find("Who invented the bicycle? Answer in French."), std::string::npos);
  EXPECT_NE(prompt.find("Il était une fois"), std::string::npos);
  EXPECT_NE(prompt.find("KEYWORDS:"), std::string::npos);
}

TEST(LlmKeywordSource, GarbageFallsBackToTheQuestion) {
  FakeLlmServer server([](const FakeRequest&) { return FakeReply::Content("Bicycles are fun."); });
  auto client = llm::MakeClient(llm::FastOptions(server));
  auto source = MakeLlmKeywordSource(*client);
  const Keywords k = ExtractAndWait(*source, "Who invented the bicycle?");
  EXPECT_EQ(k.information, "Who invented the bicycle?");
  EXPECT_TRUE(k.keywords.empty());
  EXPECT_NE(k.source.find("question used"), std::string::npos);
  EXPECT_EQ(k.usage.calls, 1u);  // the call was made and paid for
}

TEST(LlmKeywordSource, AFailedCallFallsBackToTheQuestion) {
  FakeLlmServer server([](const FakeRequest&) { return FakeReply::Status(400, "bad"); });
  auto client = llm::MakeClient(llm::FastOptions(server));
  auto source = MakeLlmKeywordSource(*client);
  const Keywords k = ExtractAndWait(*source, "Who invented the bicycle?");
  EXPECT_EQ(k.information, "Who invented the bicycle?");
  EXPECT_TRUE(k.keywords.empty());
  EXPECT_NE(k.source.find("failed"), std::string::npos);
}

TEST(ExtractiveKeywordSource, GivesTheQuestionsContentWordsLabelled) {
  auto source = MakeExtractiveKeywordSource();
  const Keywords k =
      ExtractAndWait(*source, "When was the Bicycle invented, and by whom? Bicycle!");
  EXPECT_EQ(k.keywords, (std::vector<std::string>{"Bicycle", "invented"}));
  EXPECT_EQ(k.information, "When was the Bicycle invented, and by whom? Bicycle!");
  EXPECT_EQ(k.source, "extractive (no LLM)");
  EXPECT_EQ(k.usage.calls, 0u);
}

}  // namespace
}  // namespace longforge::workers
