#include "workers/questioner/extractive_generator.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

namespace longforge::workers {
namespace {

// Every extractive question must stand on its own and carry a reference from its chunk.
void ExpectAnswerable(const GeneratedQuestion& q, const std::string& chunk) {
  EXPECT_FALSE(q.question.empty());
  EXPECT_FALSE(q.reference.empty());
  EXPECT_NE(chunk.find(q.reference), std::string::npos) << q.reference;
  EXPECT_EQ(q.question.find("passage"), std::string::npos) << q.question;
  EXPECT_EQ(q.question.find(q.reference), std::string::npos) << q.question;
  ASSERT_EQ(q.quotes.size(), 1u);
  EXPECT_NE(chunk.find(q.quotes[0]), std::string::npos) << q.quotes[0];
}

std::optional<GeneratedQuestion> From(ExtractiveQuestionGenerator& g, const std::string& text) {
  return g.FromChunk({7, text});
}

TEST(ExtractiveQuestionGenerator, TurnsANameAtTheStartIntoWho) {
  ExtractiveQuestionGenerator g;
  const std::string chunk =
      "Karl Drais built the first two-wheeled running machine in the German city of Mannheim.";
  const auto q = From(g, chunk);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->type, "who");
  EXPECT_EQ(q->question,
            "Who built the first two-wheeled running machine in the German city of Mannheim?");
  EXPECT_EQ(q->reference, "Karl Drais");
  EXPECT_EQ(q->source_chunks, std::vector<uint32_t>{7});
  ExpectAnswerable(*q, chunk);
}

TEST(ExtractiveQuestionGenerator, AsksForAYearOrACount) {
  ExtractiveQuestionGenerator g;
  const std::string year =
      "The wooden running machine was first shown to the public in 1817 near the gardens.";
  auto q = From(g, year);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->type, "number");
  EXPECT_EQ(q->question,
            "The wooden running machine was first shown to the public in what year near the "
            "gardens?");
  EXPECT_EQ(q->reference, "1817");
  ExpectAnswerable(*q, year);

  const std::string count =
      "The whaling ship carried 30 sailors across the cold southern ocean that winter.";
  q = From(g, count);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->type, "number");
  EXPECT_EQ(q->question,
            "The whaling ship carried how many sailors across the cold southern ocean that "
            "winter?");
  EXPECT_EQ(q->reference, "30");
}

TEST(ExtractiveQuestionGenerator, FallsBackToACloze) {
  ExtractiveQuestionGenerator g;
  const std::string chunk =
      "The old lighthouse keeper painted the stairs with bright yellow paint every autumn.";
  const auto q = From(g, chunk);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->type, "cloze");
  EXPECT_EQ(q->question.rfind("Fill in the blank: ", 0), 0u) << q->question;
  EXPECT_NE(q->question.find("____"), std::string::npos);
  ExpectAnswerable(*q, chunk);
}

TEST(ExtractiveQuestionGenerator, SkipsDialoguePronounsAndFragments) {
  ExtractiveQuestionGenerator g;
  EXPECT_FALSE(From(g,
                    "\"Where are you going with the lantern tonight?\" asked the boy.\n\n"
                    "He turned the heavy brass lantern over in his hands twice.\n\n"
                    "I remember the long and quiet winter evenings by the sea.\n\n"
                    "CHAPTER ONE.\n\nShort line."));
}

TEST(ExtractiveQuestionGenerator, PicksAContentRichSentenceFromProse) {
  ExtractiveQuestionGenerator g;
  const std::string chunk =
      "CHAPTER 3.\n\n\"Is it far?\" she asked.\n\nIt was late. The expedition under Captain "
      "Robert Falcon Scott reached the\nSouth Pole in January 1912 after a long march.\n";
  const auto q = From(g, chunk);
  ASSERT_TRUE(q);
  ExpectAnswerable(*q, chunk);
  EXPECT_NE(q->question.find("expedition"), std::string::npos) << q->question;
}

TEST(ExtractiveQuestionGenerator, HandlesChinese) {
  ExtractiveQuestionGenerator g;
  const std::string year = "卡尔·德莱斯于1817年在曼海姆首次展示了他发明的木制两轮车。";
  auto q = From(g, year);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->type, "number");
  EXPECT_EQ(q->question, "卡尔·德莱斯于哪一年在曼海姆首次展示了他发明的木制两轮车？");
  EXPECT_EQ(q->reference, "1817");
  ExpectAnswerable(*q, year);

  const std::string count = "捕鲸船裴廓德号上共有三十名水手和一名经验丰富的船长。";
  q = From(g, count);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->question, "捕鲸船裴廓德号上共有多少名水手和一名经验丰富的船长？");
  EXPECT_EQ(q->reference, "三十");

  const std::string cloze =
      "“你去哪里？”他问。\n\n长江是中国最长的河流，流经青海、西藏、四川等多个省份。";
  q = From(g, cloze);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->type, "cloze");
  EXPECT_EQ(q->question.rfind("填空：", 0), 0u) << q->question;
  EXPECT_NE(q->question.find("____"), std::string::npos);
  ExpectAnswerable(*q, cloze);
}

TEST(ExtractiveQuestionGenerator, JoinsTwoClozesIntoAMultiHopQuestion) {
  ExtractiveQuestionGenerator g;
  QuestionSample sample;
  sample.chunks = {
      {2,
       "Karl Drais built the first two-wheeled running machine in the German city of "
       "Mannheim."},
      {9, "The old lighthouse keeper painted the stairs with bright yellow paint every autumn."}};
  std::optional<Result<GenerationOutcome>> got;
  g.Generate(sample, [&](Result<GenerationOutcome> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(got && got->ok());
  const auto& q = (*got)->question;
  ASSERT_TRUE(q);
  EXPECT_EQ(q->type, "multi-hop");
  EXPECT_EQ(q->source_chunks, (std::vector<uint32_t>{2, 9}));
  EXPECT_EQ(q->question.rfind("Fill in both blanks: (1) ", 0), 0u) << q->question;
  const auto and_at = q->reference.find(" and ");
  ASSERT_NE(and_at, std::string::npos) << q->reference;
  EXPECT_NE(sample.chunks[0].text.find(q->reference.substr(0, and_at)), std::string::npos);
  EXPECT_NE(sample.chunks[1].text.find(q->reference.substr(and_at + 5)), std::string::npos);
}

TEST(ExtractiveQuestionGenerator, SkipsAChunkWithNothingUsable) {
  ExtractiveQuestionGenerator g;
  std::optional<Result<GenerationOutcome>> got;
  g.Generate({"d", "fact", {{0, "Yes. No. Maybe."}}},
             [&](Result<GenerationOutcome> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(got && got->ok());
  EXPECT_FALSE((*got)->question);
  EXPECT_EQ((*got)->skipped, "no usable sentence");
}

}  // namespace
}  // namespace longforge::workers

namespace longforge::workers {
namespace {

// Over real books (../shared/data/books, skipped where absent): most 8 KB windows
// spread over each book give a question, and every question is answerable.
TEST(ExtractiveQuestionGenerator, MakesQuestionsAcrossRealBooks) {
  const std::string dir = std::string(LONGFORGE_SOURCE_DIR) + "/../shared/data/books/";
  ExtractiveQuestionGenerator g;
  int books = 0;
  for (const char* name : {"en_moby_dick_pg2701.txt", "zh_hongloumeng.txt"}) {
    std::ifstream in(dir + name, std::ios::binary);
    if (!in) continue;
    ++books;
    const std::string book((std::istreambuf_iterator<char>(in)), {});
    int made = 0;
    for (int i = 0; i < 20; ++i) {
      std::size_t begin = book.size() / 20 * i;
      while (begin < book.size() && (static_cast<unsigned char>(book[begin]) & 0xC0) == 0x80) {
        ++begin;
      }
      std::string chunk = book.substr(begin, 8000);
      while (!chunk.empty() && (static_cast<unsigned char>(chunk.back()) & 0xC0) == 0x80) {
        chunk.pop_back();
      }
      if (!chunk.empty() && static_cast<unsigned char>(chunk.back()) >= 0xC0) chunk.pop_back();
      const auto q = g.FromChunk({static_cast<uint32_t>(i), chunk});
      if (!q) continue;
      ++made;
      ExpectAnswerable(*q, chunk);
    }
    EXPECT_GE(made, 16) << name;
  }
  if (books == 0) GTEST_SKIP() << "no books in " << dir;
}

}  // namespace
}  // namespace longforge::workers
