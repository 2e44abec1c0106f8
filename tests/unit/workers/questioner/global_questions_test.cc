#include "workers/questioner/global_questions.h"

#include <gtest/gtest.h>

#include <map>

#include "longforge/text/mentions.h"
#include "longforge/text/outline.h"
#include "workers/filter/verifiers.h"

namespace longforge::workers {
namespace {

// Six chapters; chunk i is chapter i. "Zorbel" is mentioned in chapters 2, 3 (twice) and
// 5; "Quillan" in chapter 1 only; "Vantress" before the first heading and in chapter 4.
struct Book {
  std::string text;
  envelope::ChunkTable table;
  envelope::DocumentMap map;
};

const char* const kEvents[] = {
    "The miller sold his last sack of grain to the travelling merchant",
    "A storm tore the roof from the old chapel on the northern hill",
    "The twins found a silver key buried beneath the orchard wall",
    "The harbour master closed the port after the fever reached the town",
    "A stranger in a grey coat bought every lantern in the market",
    "The old bridge across the river finally collapsed in the spring flood"};

Book MakeBook(bool with_outline = true) {
  Book b;
  b.text = "Preface. Vantress wrote this.\n\n";
  const char* const extra[] = {"Quillan waited at the gate.",
                               "Zorbel came home late.",
                               "Zorbel argued with the miller. Later Zorbel slept.",
                               "Vantress returned.",
                               "Zorbel's boat was gone.",
                               "Nobody came."};
  std::vector<std::size_t> starts;
  for (int i = 0; i < 6; ++i) {
    starts.push_back(b.text.size());
    if (with_outline)
      b.text += "CHAPTER " + std::to_string(i + 1) + ". Part " + std::to_string(i + 1) + "\n\n";
    // Over 100 bytes of text between headings, or they read as a table of contents.
    b.text += std::string(kEvents[i]) + ". " + extra[i] +
              " The days passed slowly in the valley, and the people went about their work as "
              "they always had.\n\n";
  }
  b.table.doc_id = "doc";
  b.table.outline = text::DetectOutline(b.text);
  b.map.doc_id = "doc";
  for (uint32_t i = 0; i < 6; ++i) {
    const std::size_t end = i + 1 < 6 ? starts[i + 1] : b.text.size();
    b.table.chunks.push_back({i, i == 0 ? 0 : starts[i], end, 40});
    b.table.chunk_headings.push_back(with_outline ? static_cast<int32_t>(i) : -1);
    envelope::Card card;
    card.chunk = i;
    card.gist = std::string(kEvents[i]) + ".";
    card.events = {kEvents[i]};
    // Every name on at least two cards, so that each is looked up.
    card.people = {"Zorbel", "Quillan", "Vantress"};
    b.map.cards.push_back(card);
  }
  return b;
}

std::vector<GeneratedQuestion> Questions(const Book& b, uint32_t n, uint64_t seed) {
  std::vector<GeneratedQuestion> out;
  for (auto& o : WriteGlobalQuestions(b.table, b.map, b.text, n, seed)) {
    if (o.question) out.push_back(*o.question);
  }
  return out;
}

TEST(GlobalQuestions, CountsTheChaptersThatMentionAName) {
  const Book b = MakeBook();
  ASSERT_EQ(b.table.outline.size(), 6u);
  // Seeds 1, 4, … start with count.
  const auto qs = Questions(b, 1, 1);
  ASSERT_EQ(qs.size(), 1u);
  const auto& q = qs[0];
  EXPECT_EQ(q.type, "count");
  EXPECT_EQ(q.verifier, "number");
  EXPECT_EQ(q.scope, envelope::Scope::kGlobal);
  // Zorbel: chapters 2, 3, 5 (the only name in three or more chapters; "Zorbel's" counts).
  EXPECT_EQ(q.question, "How many chapters of the book mention \"Zorbel\"? Answer with a number.");
  EXPECT_EQ(q.reference, "3");
  EXPECT_EQ(q.source_chunks, (std::vector<uint32_t>{1, 2, 4}));
}

TEST(GlobalQuestions, NamesTheChapterOfTheFirstOrLastMention) {
  const Book b = MakeBook();
  std::map<std::string, std::string> asked;  // question -> reference
  for (uint64_t seed = 2; seed < 40; seed += 3) {
    for (const auto& q : Questions(b, 1, seed)) {
      ASSERT_EQ(q.type, "first_last");
      EXPECT_EQ(q.verifier, "exact");
      asked[q.question] = q.reference;
    }
  }
  // Vantress is mentioned before the first heading: never asked about.
  for (const auto& [question, reference] : asked) {
    EXPECT_EQ(question.find("Vantress"), std::string::npos) << question;
  }
  EXPECT_EQ(asked.at("In which chapter is \"Zorbel\" mentioned for the first time? Answer with the "
                     "chapter's heading."),
            "CHAPTER 2. Part 2");
  EXPECT_EQ(asked.at("In which chapter is \"Zorbel\" mentioned for the last time? Answer with the "
                     "chapter's heading."),
            "CHAPTER 5. Part 5");
}

TEST(GlobalQuestions, ATimelineListsEventsShuffledAndItsReferenceIsTheirTextOrder) {
  const Book b = MakeBook();
  for (uint64_t seed = 0; seed < 30; seed += 3) {
    const auto qs = Questions(b, 1, seed);
    ASSERT_EQ(qs.size(), 1u);
    const auto& q = qs[0];
    EXPECT_EQ(q.type, "timeline");
    EXPECT_EQ(q.verifier, "order");
    ASSERT_EQ(q.source_chunks.size(), 4u);
    // The events quoted under A, B, …: the reference puts their letters in the order of
    // the text.
    const auto phrases = text::QuotedPhrases(q.question);
    ASSERT_EQ(phrases.size(), 4u) << q.question;
    std::vector<std::pair<std::size_t, char>> at;
    for (std::size_t i = 0; i < phrases.size(); ++i) {
      const std::size_t offset = b.text.find(phrases[i]);
      ASSERT_NE(offset, std::string::npos) << phrases[i];
      at.emplace_back(offset, static_cast<char>('A' + i));
    }
    std::sort(at.begin(), at.end());
    std::string expected;
    for (const auto& [offset, letter] : at)
      expected += std::string(expected.empty() ? "" : ", ") + letter;
    EXPECT_EQ(q.reference, expected) << q.question;
    EXPECT_NE(q.reference, "A, B, C, D") << "the events are offered in document order";
    EXPECT_TRUE(Verify("order", q.reference, q.reference)->passes);
  }
}

TEST(GlobalQuestions, AreTheSameForTheSameSeed) {
  const Book b = MakeBook();
  const auto a = Questions(b, 6, 7);
  const auto c = Questions(b, 6, 7);
  ASSERT_EQ(a.size(), c.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].question, c[i].question);
    EXPECT_EQ(a[i].reference, c[i].reference);
  }
}

TEST(GlobalQuestions, WithoutChaptersOnlyTimelinesAreWrittenAndTheRestSaySo) {
  const Book b = MakeBook(/*with_outline=*/false);
  ASSERT_TRUE(b.table.outline.empty());
  std::map<std::string, int> skipped, types;
  for (auto& o : WriteGlobalQuestions(b.table, b.map, b.text, 3, 0)) {
    if (o.question) {
      ++types[o.question->type];
    } else {
      ++skipped[o.skipped];
    }
  }
  EXPECT_EQ(types, (std::map<std::string, int>{{"timeline", 1}}));
  EXPECT_EQ(skipped,
            (std::map<std::string, int>{{"no chapters to count", 1}, {"no chapters to name", 1}}));
}

TEST(GlobalQuestions, AddsTheFiguresAReportStatesForOneLabel) {
  Book b;
  const long long revenue[] = {1250, 980, 2310, 1475};
  std::vector<std::size_t> starts;
  for (int i = 0; i < 4; ++i) {
    starts.push_back(b.text.size());
    b.text += "SECTION " + std::to_string(i + 1) + ". District " + std::to_string(i + 1) +
              "\n\nThe district had a quiet year on the water, with steady work for the crews. "
              "Revenue was " +
              std::to_string(revenue[i]) + " crowns for the year. Staff were " +
              std::to_string(10 + i) + (i == 2 ? ". Staff were 9 again" : "") + ".\n\n";
  }
  b.table.outline = text::DetectOutline(b.text);
  ASSERT_EQ(b.table.outline.size(), 4u);
  for (uint32_t i = 0; i < 4; ++i) {
    b.table.chunks.push_back({i, starts[i], i + 1 < 4 ? starts[i + 1] : b.text.size(), 40});
    b.table.chunk_headings.push_back(static_cast<int32_t>(i));
    envelope::Card card;
    card.chunk = i;
    card.gist = "The district had a quiet year on the water, with steady work for the crews.";
    b.map.cards.push_back(card);
  }
  // Seed 3 starts at the fourth kind, aggregate (the document states figures to add).
  const auto qs = Questions(b, 1, 3);
  ASSERT_EQ(qs.size(), 1u);
  EXPECT_EQ(qs[0].type, "aggregate");
  EXPECT_EQ(qs[0].verifier, "number");
  // Revenue is stated once in each section; Staff twice in one, so it is not asked.
  EXPECT_EQ(qs[0].question,
            "What is the total of the figures the document gives for \"Revenue\", one in each "
            "section that states it? Answer with a number.");
  EXPECT_EQ(qs[0].reference, "6015");
  EXPECT_EQ(qs[0].source_chunks, (std::vector<uint32_t>{0, 1, 2, 3}));
  // A book states no such figures: the kind never comes up.
  for (uint64_t seed = 0; seed < 8; ++seed) {
    for (const auto& q : Questions(MakeBook(), 1, seed)) EXPECT_NE(q.type, "aggregate");
  }
}

TEST(GlobalQuestions, AChineseDocumentGetsChineseQuestions) {
  Book b;
  const char* const events[] = {
      "老渔夫在河边修补他那张破旧的渔网", "村里的孩子们在桥头放起了纸做的风筝",
      "一场大雪压塌了山上那座古老的庙宇", "商人带着三车丝绸从南方回到了镇上"};
  const char* const extra[] = {"翠环来了。", "翠环笑了。", "无人来。", "翠环走了。"};
  std::vector<std::size_t> starts;
  const char* const numerals[] = {"一", "二", "三", "四"};
  for (int i = 0; i < 4; ++i) {
    starts.push_back(b.text.size());
    b.text += std::string("第") + numerals[i] + "回 标题\n\n" + events[i] + "。" + extra[i] +
              "日子一天天过去，山谷里的人们照旧做着他们的活计。\n\n";
  }
  b.table.outline = text::DetectOutline(b.text);
  ASSERT_EQ(b.table.outline.size(), 4u);
  for (uint32_t i = 0; i < 4; ++i) {
    b.table.chunks.push_back({i, starts[i], i + 1 < 4 ? starts[i + 1] : b.text.size(), 40});
    b.table.chunk_headings.push_back(static_cast<int32_t>(i));
    envelope::Card card;
    card.chunk = i;
    card.gist = std::string(events[i]) + "。";
    card.names = {"翠环"};
    b.map.cards.push_back(card);
  }
  std::map<std::string, GeneratedQuestion> by_type;
  for (uint64_t seed = 0; seed < 3; ++seed) {
    for (auto& q : Questions(b, 1, seed)) by_type[q.type] = q;
  }
  ASSERT_EQ(by_type.size(), 3u);
  EXPECT_EQ(by_type["count"].question, "书中共有多少回提到“翠环”？请用一个数字回答。");
  EXPECT_EQ(by_type["count"].reference, "3");
  EXPECT_NE(by_type["timeline"].question.find("请按书中叙述的先后顺序排列以下事件：(A)“"),
            std::string::npos)
      << by_type["timeline"].question;
  EXPECT_NE(by_type["first_last"].question.find("“翠环”"), std::string::npos);
}

}  // namespace
}  // namespace longforge::workers
