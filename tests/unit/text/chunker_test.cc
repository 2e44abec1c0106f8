#include "longforge/text/chunker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "longforge/text/segmenter.h"
#include "longforge/text/token_counter.h"

namespace longforge::text {
namespace {

// Counts are deliberately super-additive (Count(a + b) > Count(a) + Count(b)), the
// case where summed piece counts under-estimate a chunk and the packer must back off.
class SuperAdditiveCounter final : public TokenCounter {
 public:
  std::size_t Count(std::string_view text) const override {
    return text.size() / 4 + text.size() * text.size() / 4000;
  }
  std::string Name() const override { return "super-additive"; }
};

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Every guarantee of ChunkText; returns the chunks for further checks.
std::vector<Chunk> CheckedChunks(std::string_view text, const TokenCounter& counter,
                                 std::size_t max_tokens) {
  auto chunks = ChunkText(text, counter, ChunkOptions{.max_tokens = max_tokens});
  std::string joined;
  std::size_t at = 0;
  for (const Chunk& c : chunks) {
    EXPECT_EQ(c.begin, at);
    EXPECT_LT(c.begin, c.end) << "empty chunk";
    const std::string_view piece = text.substr(c.begin, c.end - c.begin);
    EXPECT_EQ(c.tokens, counter.Count(piece));
    EXPECT_LE(c.tokens, max_tokens);
    joined.append(piece);
    at = c.end;
  }
  EXPECT_EQ(at, text.size());
  EXPECT_EQ(joined, text);
  return chunks;
}

// A text of `n` paragraphs of 2-5 sentences, deterministic.
std::string EnglishText(int n, const std::string& newline = "\n") {
  std::mt19937 rng(7);
  const char* words[] = {"river",  "soldier", "prince",  "winter",  "letter",     "horse", "battle",
                         "garden", "moscow",  "evening", "quietly", "remembered", "across"};
  std::string out;
  for (int p = 0; p < n; ++p) {
    const int sentences = 2 + static_cast<int>(rng() % 4);
    for (int s = 0; s < sentences; ++s) {
      const int length = 4 + static_cast<int>(rng() % 12);
      for (int w = 0; w < length; ++w) {
        std::string word = words[rng() % 13];
        if (w == 0) {
          word[0] = static_cast<char>(word[0] - 'a' + 'A');  // ICU wants a capital
        }
        out += word;
        out += (w + 1 == length) ? ". " : (w % 7 == 6 ? newline : std::string(" "));
      }
    }
    out += newline + newline;
  }
  return out;
}

std::string ReadBook(const std::string& name) {
  const std::string path = std::string(LONGFORGE_SOURCE_DIR) + "/../shared/data/books/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return {};
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ChunkText, EmptyInputGivesNoChunks) {
  auto est = MakeEstimator();
  EXPECT_TRUE(ChunkText("", *est, {}).empty());
}

TEST(ChunkText, ShortTextIsOneChunk) {
  auto est = MakeEstimator();
  const auto chunks = CheckedChunks("\xEF\xBB\xBF  Hello.\r\n\r\n", *est, 1000);
  ASSERT_EQ(chunks.size(), 1u);
}

TEST(ChunkText, SmallParagraphsAreNeverSplit) {
  auto est = MakeEstimator();
  // Every paragraph is under a fifth of the budget, so a paragraph that does not fit
  // leaves too little room to be worth splitting: chunks end at paragraph ends.
  const std::string text = EnglishText(200);
  const auto paragraphs = Paragraphs(text);
  std::vector<std::size_t> paragraph_ends;
  for (const Span& p : paragraphs) {
    ASSERT_LT(est->Count(p.In(text)), 1000u / 5);
    paragraph_ends.push_back(p.end);
  }
  for (const Chunk& c : CheckedChunks(text, *est, 1000)) {
    EXPECT_TRUE(std::binary_search(paragraph_ends.begin(), paragraph_ends.end(), c.end))
        << "chunk ends at byte " << c.end << ", not a paragraph end";
  }
}

TEST(ChunkText, LargerParagraphsAreSplitAtSentencesToFillChunks) {
  auto est = MakeEstimator();
  const std::string text = EnglishText(200);
  const auto chunks = CheckedChunks(text, *est, 120);
  std::size_t total = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const std::string_view tail = std::string_view(text).substr(chunks[i].end - 2, 2);
    EXPECT_TRUE(tail == ". " || tail == "\n\n") << "chunk " << i << " ends mid-sentence";
    total += chunks[i].tokens;
  }
  EXPECT_GE(total, chunks.size() * 120 * 85 / 100) << "chunks should be at least 85% full";
}

TEST(ChunkText, LongParagraphIsCutAtSentenceEnds) {
  auto est = MakeEstimator();
  std::string text;
  for (int i = 0; i < 200; ++i) {
    text += "This sentence number " + std::to_string(i) + " is here. ";
  }
  const auto chunks = CheckedChunks(text, *est, 40);
  ASSERT_GT(chunks.size(), 5u);
  for (std::size_t i = 0; i + 1 < chunks.size(); ++i) {
    EXPECT_EQ(text.substr(chunks[i].end - 2, 2), ". ");
  }
}

TEST(ChunkText, CrlfAndBomAreKeptExactly) {
  auto est = MakeEstimator();
  const std::string text = "\xEF\xBB\xBF\r\n\r\n" + EnglishText(60, "\r\n") + "\r\n  \r\n";
  CheckedChunks(text, *est, 100);
}

TEST(ChunkText, HugeSentenceWithoutSpacesIsCutOnCodePoints) {
  auto est = MakeEstimator();
  std::string latin(100000, 'x');
  const auto latin_chunks = CheckedChunks(latin, *est, 1000);
  for (std::size_t i = 0; i + 1 < latin_chunks.size(); ++i) {
    EXPECT_EQ(latin_chunks[i].tokens, 1000u);
  }

  std::string chinese;
  for (int i = 0; i < 20000; ++i) {
    chinese += (i % 2) ? "红" : "梦";
  }
  for (const Chunk& c : CheckedChunks(chinese, *est, 333)) {
    EXPECT_FALSE(IsContinuationByte(chinese[c.begin]));
  }

  std::string emoji;
  for (int i = 0; i < 5000; ++i) {
    emoji += (i % 3) ? "😀" : "👩‍👩‍👧";
  }
  for (const Chunk& c : CheckedChunks(emoji, *est, 50)) {
    EXPECT_FALSE(IsContinuationByte(emoji[c.begin]));
  }
}

TEST(ChunkText, HugeSentenceWithSpacesIsCutAtSpaces) {
  auto est = MakeEstimator();
  std::string text;
  for (int i = 0; i < 5000; ++i) {
    text += "word" + std::to_string(i % 97) + " ";
  }
  const auto chunks = CheckedChunks(text, *est, 100);
  for (std::size_t i = 0; i + 1 < chunks.size(); ++i) {
    EXPECT_EQ(text[chunks[i].end - 1], ' ');
  }
}

TEST(ChunkText, InvalidUtf8AndNulBytes) {
  auto est = MakeEstimator();
  std::mt19937 rng(42);
  std::string bytes(50000, '\0');
  for (char& c : bytes) {
    c = static_cast<char>(rng() & 0xFF);
  }
  CheckedChunks(bytes, *est, 16);
  CheckedChunks(bytes, *est, 1000);
  CheckedChunks(std::string(3000, '\x80'), *est, 4);
}

// Zero-width characters, bidirectional marks and right-to-left text inside words and
// sentences: chunks still tile the text, start on a code point and carry exact counts,
// with the estimator and, where ../shared/data has it, the exact Qwen tokenizer.
TEST(ChunkText, ZeroWidthAndRightToLeftMarksKeepBoundariesAndCountsExact) {
  const std::vector<std::string> marks = {"\u200B", "\u200C", "\u200D", "\u2060",
                                          "\uFEFF", "\u200E", "\u200F", "\u202E",
                                          "\u202C", "\u2066", "\u2069", "\u061C"};
  std::mt19937 rng(11);
  std::string text;
  const std::string english = EnglishText(40);
  for (std::size_t i = 0; i < english.size(); ++i) {
    text += english[i];
    if (rng() % 5 == 0) text += marks[rng() % marks.size()];
    if (english[i] == '.' && rng() % 3 == 0) {
      text += " \u200F\u05E9\u05DC\u05D5\u05DD \u0645\u0631\u062D\u0628\u0627\u200F.";
    }
  }
  std::string invisible;  // a long run with no space and no visible character
  for (int i = 0; i < 3000; ++i) invisible += marks[static_cast<std::size_t>(i) % marks.size()];
  text += invisible + "\n\n" + "\u202E" + EnglishText(3) + "\u202C";

  std::vector<std::unique_ptr<TokenCounter>> counters;
  counters.push_back(MakeEstimator());
  const std::string qwen =
      std::string(LONGFORGE_SOURCE_DIR) + "/../shared/data/tokenizers/qwen3/tokenizer.json";
  if (std::ifstream(qwen).good()) {
    auto exact = LoadTokenCounter(qwen);
    ASSERT_TRUE(exact.ok()) << exact.error().message;
    counters.push_back(std::move(exact.value()));
  } else {
    std::cout << "exact tokenizer not found (" << qwen << "): estimator only\n";
  }
  for (const auto& counter : counters) {
    SCOPED_TRACE(counter->Name());
    for (std::size_t max : {16u, 100u, 1000u}) {
      for (const Chunk& c : CheckedChunks(text, *counter, max)) {
        EXPECT_FALSE(IsContinuationByte(text[c.begin]))
            << "chunk cut inside a character at " << c.begin;
      }
    }
  }
}

TEST(ChunkText, BacksOffWhenCountsAreNotAdditive) {
  const SuperAdditiveCounter counter;
  const std::string text = EnglishText(100);
  CheckedChunks(text, counter, 400);
  CheckedChunks(text, counter, 60);
}

TEST(ChunkText, RandomMixturesKeepEveryGuarantee) {
  // Fragments chosen to hit every path: blank lines of each kind, sentence ends in both
  // scripts, long unbroken runs, emoji, stray and truncated UTF-8, NUL.
  const std::vector<std::string> fragments = {"Word ",
                                              "Another sentence. ",
                                              "Question? ",
                                              "\n",
                                              "\r\n",
                                              "\r\n\r\n",
                                              "\n \t\n",
                                              "\n\n",
                                              "红楼梦。",
                                              "贾宝玉道：“好。”",
                                              "\u3000\u3000",
                                              "😀",
                                              "👩‍👩‍👧",
                                              "\xff",
                                              "\xE7\xBA",
                                              "\x80",
                                              std::string(1, '\0'),
                                              std::string(300, 'x'),
                                              std::string(90, ' ')};
  auto est = MakeEstimator();
  const SuperAdditiveCounter super_additive;
  std::mt19937 rng(1234);
  for (int round = 0; round < 400; ++round) {
    std::string text;
    const int n = static_cast<int>(rng() % 400);
    for (int i = 0; i < n; ++i) {
      text += fragments[rng() % fragments.size()];
    }
    const std::size_t max = 4 + rng() % 300;
    CheckedChunks(text, *est, max);
    CheckedChunks(text, super_additive, max);
  }
}

TEST(ChunkOptions, ValidateRejectsTinyBudgets) {
  EXPECT_TRUE(ChunkOptions{}.Validate().empty());
  EXPECT_EQ(ChunkOptions{.max_tokens = 0}.Validate().size(), 1u);
  EXPECT_EQ(ChunkOptions{.max_tokens = 3}.Validate().size(), 1u);
  auto est = MakeEstimator();
  EXPECT_THROW(ChunkText("text", *est, ChunkOptions{.max_tokens = 0}), std::invalid_argument);
}

void CheckBook(const std::string& name) {
  const std::string book = ReadBook(name);
  if (book.empty()) {
    GTEST_SKIP() << "book not found: ../shared/data/books/" << name;
  }
  auto est = MakeEstimator();
  for (std::size_t max : {1000u, 300u}) {
    const auto chunks = CheckedChunks(book, *est, max);
    std::size_t total = 0;
    for (const Chunk& c : chunks) {
      total += c.tokens;
    }
    EXPECT_GE(total, chunks.size() * max * 85 / 100) << name << " at " << max;
  }
}

TEST(ChunkText, WarAndPeace) { CheckBook("en_war_and_peace_pg2600.txt"); }
TEST(ChunkText, Hongloumeng) { CheckBook("zh_hongloumeng.txt"); }

}  // namespace
}  // namespace longforge::text
