#include "workers/answer/retriever.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/temp_store.h"

namespace longforge::workers {
namespace {

// A long document about ships and weather, with no word of the needle's.
std::string Filler(std::size_t paragraphs) {
  static const char* kSentences[] = {
      "The ship left the harbour at dawn and sailed north along the grey coast.",
      "Rain fell on the deck while the crew mended the torn sails.",
      "The captain studied the charts by the light of a small lamp.",
      "Gulls followed the wake, crying over the cold water.",
      "By noon the wind had turned and the sea grew rough."};
  std::string out;
  for (std::size_t p = 0; p < paragraphs; ++p) {
    for (std::size_t s = 0; s < 4; ++s) {
      out += kSentences[(p + s) % 5];
      out += ' ';
    }
    out += "\n\n";
  }
  return out;
}

constexpr const char* kNeedle =
    "The secret password of the lighthouse keeper Bartholomew was marmalade.\n\n";

class RetrieverTest : public ::testing::Test {
 protected:
  RetrieverTest() : store_(OpenTempStore(dir_)), counter_(text::MakeEstimator()) {}

  std::string Put(const std::string& text) {
    const std::string id = store::DocumentIdOf(text);
    EXPECT_TRUE(store_->Put(store::DocumentStore::TextKey(id), text).ok());
    return id;
  }
  static RetrievalOptions Small() {
    RetrievalOptions o;
    o.chunk_tokens = 60;
    o.budget_tokens = 200;
    return o;
  }

  TempDir dir_;
  std::unique_ptr<store::DocumentStore> store_;
  std::unique_ptr<text::TokenCounter> counter_;
};

TEST(RetrievalOptions, ValidateReportsEveryProblem) {
  EXPECT_TRUE(RetrievalOptions{}.Validate().empty());
  RetrievalOptions bad;
  bad.chunk_tokens = 2;
  bad.budget_tokens = 1;
  bad.max_cached_documents = 0;
  EXPECT_EQ(bad.Validate().size(), 3u);
}

TEST_F(RetrieverTest, InvalidOptionsThrow) {
  RetrievalOptions bad;
  bad.budget_tokens = 10;
  EXPECT_THROW(Retriever(*store_, *counter_, bad), std::invalid_argument);
}

TEST_F(RetrieverTest, RespectsTheBudgetWithExactCountsInDocumentOrder) {
  const std::string text = Filler(40);
  const std::string id = Put(text);
  Retriever r(*store_, *counter_, Small());
  auto passages = r.Select(id, {"Where did the captain study the charts by the lamp?"});
  ASSERT_TRUE(passages.ok()) << passages.error().message;
  ASSERT_GE(passages->size(), 2u);
  std::size_t total = 0;
  uint64_t previous_end = 0;
  for (const auto& p : passages.value()) {
    EXPECT_EQ(p.tokens, counter_->Count(p.text));
    EXPECT_EQ(p.text, text.substr(p.begin, p.end - p.begin));
    EXPECT_LE(p.tokens, Small().chunk_tokens);
    EXPECT_GE(p.begin, previous_end);  // document order, no overlap
    previous_end = p.end;
    total += p.tokens;
  }
  EXPECT_LE(total, Small().budget_tokens);
  // The budget is nearly full: no chunk left out would still have fitted.
  EXPECT_GT(total + Small().chunk_tokens, Small().budget_tokens);
}

TEST_F(RetrieverTest, FindsANeedleWhoseWordsAreInTheQuery) {
  std::string text = Filler(100);
  const std::size_t at = text.find("\n\n", text.size() / 2) + 2;
  text.insert(at, kNeedle);
  const std::string id = Put(text);
  Retriever r(*store_, *counter_, Small());
  auto passages = r.Select(id, {"What was the lighthouse keeper's password?"});
  ASSERT_TRUE(passages.ok()) << passages.error().message;
  bool found = false;
  for (const auto& p : passages.value()) {
    found = found || p.text.find("marmalade") != std::string::npos;
  }
  EXPECT_TRUE(found);
}

TEST_F(RetrieverTest, NothingScoringTakesTheFrontOfTheDocument) {
  const std::string text = Filler(40);
  const std::string id = Put(text);
  Retriever r(*store_, *counter_, Small());
  auto passages = r.Select(id, {"zebra quantum marmalade"});
  ASSERT_TRUE(passages.ok()) << passages.error().message;
  ASSERT_FALSE(passages->empty());
  uint64_t expected_begin = 0;
  std::size_t total = 0;
  for (const auto& p : passages.value()) {
    EXPECT_EQ(p.begin, expected_begin);  // contiguous from offset 0
    expected_begin = p.end;
    total += p.tokens;
  }
  EXPECT_LE(total, Small().budget_tokens);
}

TEST_F(RetrieverTest, EmptyDocumentGivesNoPassages) {
  const std::string id = Put("");
  Retriever r(*store_, *counter_, Small());
  auto passages = r.Select(id, {"anything"});
  ASSERT_TRUE(passages.ok()) << passages.error().message;
  EXPECT_TRUE(passages->empty());
}

TEST_F(RetrieverTest, MissingDocumentIsADeadLetterError) {
  Retriever r(*store_, *counter_, Small());
  auto passages = r.Select("0123456789abcdef", {"anything"});
  ASSERT_FALSE(passages.ok());
  EXPECT_EQ(passages.error().disposition, Disposition::kDeadLetter);
}

TEST_F(RetrieverTest, CachesIndexesLeastRecentlyUsedFirstOut) {
  RetrievalOptions o = Small();
  o.max_cached_documents = 2;
  Retriever r(*store_, *counter_, o);
  const std::string a = Put(Filler(5) + "alpha");
  const std::string b = Put(Filler(6) + "beta");
  const std::string c = Put(Filler(7) + "gamma");
  ASSERT_TRUE(r.Select(a, {"ship"}).ok());
  ASSERT_TRUE(r.Select(a, {"rain"}).ok());
  EXPECT_EQ(r.stats().index_builds, 1u);
  EXPECT_EQ(r.stats().cache_hits, 1u);
  ASSERT_TRUE(r.Opening(b).ok());
  ASSERT_TRUE(r.Select(b, {"ship"}).ok());  // Opening built it
  EXPECT_EQ(r.stats().index_builds, 2u);
  ASSERT_TRUE(r.Select(a, {"ship"}).ok());  // a is now the most recent, b the oldest
  ASSERT_TRUE(r.Select(c, {"ship"}).ok());  // evicts b
  EXPECT_EQ(r.stats().index_builds, 3u);
  ASSERT_TRUE(r.Select(a, {"ship"}).ok());
  EXPECT_EQ(r.stats().index_builds, 3u);
  ASSERT_TRUE(r.Select(b, {"ship"}).ok());
  EXPECT_EQ(r.stats().index_builds, 4u);
}

TEST_F(RetrieverTest, PrefetchBuildsTheIndexOnceAndSelectUsesIt) {
  Retriever r(*store_, *counter_, Small());
  const std::string id = Put(Filler(40) + kNeedle + Filler(40));
  r.Prefetch(id);
  r.Prefetch(id);  // queued or under way: not a second build
  auto passages = r.Select(id, {"Who knew the password of the lighthouse?"});
  ASSERT_TRUE(passages.ok()) << passages.error().message;
  ASSERT_FALSE(passages->empty());
  EXPECT_NE(passages->front().text.find("marmalade"), std::string::npos);
  r.Prefetch(id);  // cached: nothing to do
  ASSERT_TRUE(r.Select(id, {"ship"}).ok());
  const auto stats = r.stats();
  EXPECT_EQ(stats.index_builds, 1u);
  EXPECT_EQ(stats.prefetches, 1u);
  EXPECT_EQ(stats.cache_hits, 2u);
}

TEST_F(RetrieverTest, FailedPrefetchLeavesTheErrorToSelect) {
  Retriever r(*store_, *counter_, Small());
  r.Prefetch("0123456789abcdef");
  auto passages = r.Select("0123456789abcdef", {"anything"});
  ASSERT_FALSE(passages.ok());
  EXPECT_EQ(passages.error().disposition, Disposition::kDeadLetter);
  EXPECT_EQ(r.stats().prefetches, 0u);
}

TEST_F(RetrieverTest, DestroyedWithPrefetchesQueued) {
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(Put(Filler(200 + i)));
  {
    Retriever r(*store_, *counter_, Small());
    for (const auto& id : ids) r.Prefetch(id);
  }  // must neither hang nor leave the thread running
  Retriever r(*store_, *counter_, Small());
  ASSERT_TRUE(r.Select(ids.back(), {"ship"}).ok());
}

TEST_F(RetrieverTest, OpeningIsCutAtACodePoint) {
  const std::string id = Put("\xC3\xA9t\xC3\xA9 " + Filler(3));  // "été ..."
  Retriever r(*store_, *counter_, Small());
  auto opening = r.Opening(id, 3);
  ASSERT_TRUE(opening.ok()) << opening.error().message;
  EXPECT_EQ(opening.value(), "\xC3\xA9t");
}

TEST_F(RetrieverTest, FindsANeedleHalfwayThroughMobyDick) {
  const std::filesystem::path book =
      std::filesystem::path(LONGFORGE_SOURCE_DIR) / "../shared/data/books/en_moby_dick_pg2701.txt";
  if (!std::filesystem::exists(book)) GTEST_SKIP() << "no book at " << book;
  std::ifstream in(book, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const std::size_t at = text.find("\n\n", text.size() / 2) + 2;
  text.insert(at, kNeedle);
  const std::string id = Put(text);
  Retriever r(*store_, *counter_, RetrievalOptions{});
  auto passages =
      r.Select(id, {"What was the secret password of the lighthouse keeper Bartholomew?"});
  ASSERT_TRUE(passages.ok()) << passages.error().message;
  std::size_t total = 0;
  bool found = false;
  for (const auto& p : passages.value()) {
    total += p.tokens;
    found = found || (p.begin <= at && p.end >= at + std::string_view(kNeedle).size());
  }
  EXPECT_TRUE(found) << "needle at byte " << at << " of " << text.size();
  EXPECT_LE(total, RetrievalOptions{}.budget_tokens);
}

}  // namespace
}  // namespace longforge::workers
