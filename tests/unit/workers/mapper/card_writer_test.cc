#include "workers/mapper/card_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <string>
#include <vector>

#include "longforge/llm/http_chat_client.h"
#include "support/fake_llm_server.h"

namespace longforge::workers {
namespace {

using Strings = std::vector<std::string>;

bool Has(const Strings& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

TEST(ParseCardReply, ReadsEveryFieldLeniently) {
  const auto card = ParseCardReply(
      "GIST: Pierre arrives at Anna Pavlovna's party.\n"
      "He talks too loudly about Napoleon.\n"
      "People: Pierre; Anna Pávlovna; Prince Andrew\n"
      "**PLACES:** Petersburg\n"
      "ORGANIZATIONS: none\n"
      "Dates: July 1805\n"
      "EVENTS:\n"
      "- Pierre praises Napoleon.\n"
      "* The vicomte tells a story.\n",
      7);
  ASSERT_TRUE(card.ok()) << card.error().message;
  EXPECT_EQ(card->chunk, 7u);
  EXPECT_EQ(card->gist,
            "Pierre arrives at Anna Pavlovna's party. He talks too loudly about Napoleon.");
  EXPECT_EQ(card->people, (Strings{"Pierre", "Anna Pávlovna", "Prince Andrew"}));
  EXPECT_EQ(card->places, (Strings{"Petersburg"}));
  EXPECT_TRUE(card->organisations.empty());
  EXPECT_EQ(card->dates, (Strings{"July 1805"}));
  EXPECT_EQ(card->events, (Strings{"Pierre praises Napoleon.", "The vicomte tells a story."}));
}

TEST(ParseCardReply, ListsSplitOnCommasWithoutSemicolonsAndEventsOnOneLine) {
  const auto card =
      ParseCardReply("gist: 宝玉见黛玉。\npeople: 宝玉, 黛玉\nevents: 宝玉摔玉; 黛玉哭\n", 0);
  ASSERT_TRUE(card.ok());
  EXPECT_EQ(card->people, (Strings{"宝玉", "黛玉"}));
  EXPECT_EQ(card->events, (Strings{"宝玉摔玉", "黛玉哭"}));
}

TEST(ParseCardReply, AReplyWithoutAGistIsAnErrorNamingTheChunk) {
  const auto card = ParseCardReply("PEOPLE: Pierre\n", 12);
  ASSERT_FALSE(card.ok());
  EXPECT_EQ(card.error().disposition, Disposition::kDeadLetter);
  EXPECT_NE(card.error().message.find("chunk 12"), std::string::npos) << card.error().message;
}

envelope::Card Write(CardWriter& writer, const std::string& text) {
  std::promise<Result<envelope::Card>> p;
  writer.Write(3, text, [&](Result<envelope::Card> c, envelope::LlmUsage) { p.set_value(c); });
  auto card = p.get_future().get();
  EXPECT_TRUE(card.ok());
  return card.ok() ? card.value() : envelope::Card{};
}

TEST(ExtractiveCards, EnglishNamesDatesAndTheCentralSentences) {
  auto writer = MakeExtractiveCardWriter();
  EXPECT_EQ(writer->Name(), "extractive (no LLM)");
  const auto card = Write(*writer,
                          "In July 1805 the guests arrived at the house of Anna Pávlovna. "
                          "Everyone wanted to see Prince Andrew, who was leaving for the war. "
                          "The war was all the guests talked of, and the war frightened them. "
                          "Prince Andrew said little about the war that night. "
                          "Outside it rained.");
  EXPECT_EQ(card.chunk, 3u);
  EXPECT_TRUE(Has(card.names, "Anna Pávlovna")) << ::testing::PrintToString(card.names);
  EXPECT_TRUE(Has(card.names, "Prince Andrew")) << ::testing::PrintToString(card.names);
  for (const auto& n : card.names) EXPECT_NE(n, "In") << "a sentence's first word is no name";
  EXPECT_TRUE(Has(card.dates, "1805")) << ::testing::PrintToString(card.dates);
  EXPECT_NE(card.gist.find("war"), std::string::npos) << card.gist;
  EXPECT_EQ(card.gist.find("Outside it rained"), std::string::npos) << card.gist;
  EXPECT_TRUE(card.people.empty()) << "the baseline does not tell people from places";
}

TEST(ExtractiveCards, ChineseNamesAreRepeatedRunsOfHanCharacters) {
  auto writer = MakeExtractiveCardWriter();
  const auto card =
      Write(*writer,
            "宝玉来到潇湘馆，黛玉正在窗下读书。宝玉笑道：“妹妹读什么书？”"
            "黛玉不答。宝玉又问，黛玉才说是西厢记。宝玉听了大喜。乾隆五年三月，天下太平。");
  EXPECT_TRUE(Has(card.names, "宝玉")) << ::testing::PrintToString(card.names);
  EXPECT_TRUE(Has(card.names, "黛玉")) << ::testing::PrintToString(card.names);
  EXPECT_TRUE(Has(card.dates, "五年三月")) << ::testing::PrintToString(card.dates);
  EXPECT_FALSE(card.gist.empty());
}

TEST(LlmCards, OneMapCallPerChunkParsed) {
  testing::FakeLlmServer server([](const testing::FakeRequest& r) {
    EXPECT_EQ(r.stage, "map");
    EXPECT_NE(r.messages.back().content.find("<part>\nThe whale rose.\n</part>"),
              std::string::npos);
    return testing::FakeReply::Content(
        "GIST: A whale rises.\nPEOPLE: none\nEVENTS:\n- The whale rose.");
  });
  llm::HttpChatClientOptions o;
  o.base_url = server.base_url();
  o.model = "fake-model";
  auto client = llm::HttpChatClient::Create(o);
  ASSERT_TRUE(client.ok());
  auto writer = MakeLlmCardWriter(**client, "fake-model");
  EXPECT_EQ(writer->Name(), "llm fake-model");
  const auto card = Write(*writer, "The whale rose.");
  EXPECT_EQ(card.gist, "A whale rises.");
  EXPECT_TRUE(card.people.empty());
  EXPECT_EQ(card.events, (Strings{"The whale rose."}));
  EXPECT_EQ(server.request_count("map"), 1);
}

}  // namespace
}  // namespace longforge::workers
