// Needle in a haystack: a planted sentence must reach the final evidence when the
// relevance judge is perfect, at every depth and length, in English and Chinese.
// Runs the real relevance judge (over HTTP, against a fake server that judges
// perfectly) and the real retriever, without Kafka.

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "haystack.h"
#include "longforge/llm/http_chat_client.h"
#include "longforge/store/document_store.h"
#include "longforge/text/chunker.h"
#include "support/fake_llm_server.h"
#include "workers/answer/retriever.h"
#include "workers/relevance/extractive_judge.h"
#include "workers/relevance/llm_judge.h"

namespace longforge {
namespace {

namespace fs = std::filesystem;

struct Language {
  const char* name;
  std::vector<const char*> books;
  const char* needle;
  const char* question;
};

const Language kEnglish{"en",
                        {"en_war_and_peace_pg2600.txt"},
                        "The secret ingredient of the lighthouse keeper's soup was smoked "
                        "paprika from Valmora.",
                        "What was the secret ingredient of the lighthouse keeper's soup?"};
const Language kChinese{"zh",
                        {"zh_hongloumeng.txt", "zh_sanguoyanyi.txt"},
                        "灯塔看守人汤里的秘密配料是来自瓦尔莫拉的烟熏辣椒粉。",
                        "灯塔看守人汤里的秘密配料是什么？"};

std::string DataDir() { return testing::BooksDir(); }

std::string Haystack(const Language& lang, std::size_t tokens) {
  return testing::Haystack(lang.books, tokens);
}

// Relevance over every chunk, then retrieval: does the evidence hold the needle?
bool NeedleInEvidence(workers::RelevanceJudge& judge, store::DocumentStore& store,
                      const text::TokenCounter& counter, const std::string& doc_id,
                      const std::string& text, const Language& lang) {
  const auto chunks = text::ChunkText(text, counter, text::ChunkOptions{1000});
  std::mutex mu;
  std::condition_variable cv;
  std::size_t pending = chunks.size();
  std::vector<std::string> query = {lang.question};
  for (const auto& c : chunks) {
    judge.Judge(text.substr(c.begin, c.end - c.begin), {lang.question},
                [&](std::vector<workers::Judgement> j, envelope::LlmUsage) {
                  std::lock_guard lock(mu);
                  for (auto& q : j[0].quotes) query.push_back(std::move(q));
                  if (--pending == 0) cv.notify_all();
                });
  }
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return pending == 0; });
  }
  workers::Retriever retriever(store, counter, workers::RetrievalOptions{});
  auto passages = retriever.Select(doc_id, query);
  if (!passages) return false;
  for (const auto& p : *passages) {
    if (p.text.find(lang.needle) != std::string::npos) return true;
  }
  return false;
}

class Needle : public ::testing::TestWithParam<const Language*> {};

TEST_P(Needle, PerfectJudgeAlwaysBringsTheNeedleIntoEvidence) {
  const Language& lang = *GetParam();
  for (const char* book : lang.books) {
    if (!fs::exists(DataDir() + book)) GTEST_SKIP() << DataDir() << book << " is absent";
  }
  const std::string needle = lang.needle;
  testing::FakeLlmServer server([&](const testing::FakeRequest& r) {
    // A perfect judge: quote the needle when the passage holds it, else NONE.
    const bool has =
        !r.messages.empty() && r.messages.back().content.find(needle) != std::string::npos;
    return testing::FakeReply::Content(has ? needle : "NONE");
  });
  llm::HttpChatClientOptions options;
  options.base_url = server.base_url();
  options.model = "perfect-judge";
  auto client = llm::HttpChatClient::Create(options);
  ASSERT_TRUE(client.ok()) << client.error().message;
  auto judge = workers::LlmRelevanceJudge::Create(**client);
  ASSERT_TRUE(judge.ok());
  workers::ExtractiveJudge extractive;

  const std::string dir = std::string(LONGFORGE_BINARY_DIR) + "/test-tmp/needle-" + lang.name;
  fs::remove_all(dir);
  auto store = store::DocumentStore::Open(dir);
  ASSERT_TRUE(store.ok());
  const auto counter = text::MakeEstimator();
  int extractive_hits = 0, cases = 0;
  for (const std::size_t tokens : {8'000u, 128'000u, 1'000'000u}) {
    const std::string haystack = Haystack(lang, tokens);
    for (const double depth : {0.0, 0.25, 0.5, 0.75, 1.0}) {
      const std::string text = testing::Plant(haystack, needle, depth);
      const std::string id = std::string(lang.name) + "-" + std::to_string(tokens) + "-" +
                             std::to_string(static_cast<int>(depth * 100));
      ASSERT_TRUE((*store)->Put(store::DocumentStore::TextKey(id), text).ok());
      EXPECT_TRUE(NeedleInEvidence(**judge, **store, *counter, id, text, lang))
          << lang.name << " " << tokens << " tokens, depth " << depth;
      extractive_hits += NeedleInEvidence(extractive, **store, *counter, id, text, lang);
      ++cases;
    }
  }
  // The extractive baseline is reported, not asserted.
  std::cout << "[ NEEDLE   ] " << lang.name << ": extractive baseline found the needle in "
            << extractive_hits << " of " << cases << " cases\n";
  RecordProperty("extractive_hits", extractive_hits);
}

INSTANTIATE_TEST_SUITE_P(Languages, Needle, ::testing::Values(&kEnglish, &kChinese),
                         [](const auto& info) { return std::string(info.param->name); });

}  // namespace
}  // namespace longforge
