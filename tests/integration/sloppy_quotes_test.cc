// Quotes as small models write them (issue 16, part 2). Measured before quotes were
// aligned: with a relevance judge that quotes the right sentence but drops one word and
// the final full stop, every relevant chunk became NONE at the grounding guard, every
// task fell back to keyword retrieval, and paraphrased Chinese questions over 128k
// tokens of 红楼梦 found their evidence 3 times in 5 instead of 5. Here five such
// questions, each about a sentence planted in the book, must find it in their final
// evidence from the chunk that holds it (no keyword fallback), with every sloppy quote
// counted repaired; an invented quote is still dropped. The same relevance results with
// the repaired quotes dropped, as the verbatim guard did, are answered too and reported.
//
// Runs the real relevance worker and judge, keyword source, answer worker, retriever and
// answer backend over HTTP against a fake server, without Kafka.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "haystack.h"
#include "longforge/kafka/topics.h"
#include "longforge/llm/http_chat_client.h"
#include "longforge/store/document_store.h"
#include "longforge/store/document_text.h"
#include "longforge/text/chunker.h"
#include "support/fake_llm_server.h"
#include "support/metrics_text.h"
#include "workers/answer/answer_worker.h"
#include "workers/answer/keywords.h"
#include "workers/answer/llm_answer.h"
#include "workers/answer/retriever.h"
#include "workers/relevance/llm_judge.h"
#include "workers/relevance/relevance_worker.h"

namespace longforge {
namespace {

namespace fs = std::filesystem;

// A planted sentence, the question that paraphrases it (sharing none of its words), the
// word a sloppy judge leaves out, and the keywords a keyword model would write for the
// question (the fallback's query).
struct Fact {
  const char* needle;
  const char* question;
  const char* dropped_word;
  const char* keywords;
  const char* answer;
};

const Fact kFacts[] = {
    {"看守灯塔的老人每天清晨，都往汤里撒一把来自瓦尔莫拉的烟熏辣椒粉。",
     "那位守着海边塔楼的老者，早上往羹里添的是什么调料？", "一把",
     "守塔老者, 早上, 羹, 调料, 海边塔楼", "瓦尔莫拉的烟熏辣椒粉"},
    {"钟表匠伊万诺在1823年的冬天，用七百颗铜螺丝造出了一只会唱歌的木鸟。",
     "那位修理时计的工匠，用了多少个金属小零件来制作能鸣叫的玩具？", "一只",
     "修理时计, 工匠, 金属零件, 鸣叫, 玩具", "七百颗铜螺丝"},
    {"渡口的船夫把一封写给苏州姑母的信，藏在了蓝色瓷罐的底下。",
     "摆渡的人将寄往江南亲戚的书函放在了何处？", "一封", "摆渡, 江南, 亲戚, 书函, 何处",
     "蓝色瓷罐的底下"},
    {"养蜂人阿德里在南坡种了三百棵柠檬树，只为让蜂蜜带一点酸味。",
     "那个照看蜂群的人为何要在山坡上栽那么多果树？", "一点", "照看蜂群, 山坡, 栽, 果树, 为何",
     "让蜂蜜带一点酸味"},
    {"天文台的学徒在腊月十七的子夜，发现了第9颗拖着绿尾巴的彗星。",
     "观星楼里那位年轻帮手是哪一天夜里看到新的扫帚星的？", "拖着",
     "观星楼, 年轻帮手, 哪一天, 夜里, 扫帚星", "腊月十七的子夜"},
};
constexpr std::size_t kFactCount = std::size(kFacts);
const double kDepths[kFactCount] = {0.1, 0.3, 0.5, 0.7, 0.9};

// Not in the book nor near any sentence of it: the judge adds it to every quote of a
// planted sentence, and quotes it alone where 甄士隐 appears.
constexpr const char* kInvented = "潜水艇在冰川底下找到了一座玻璃做的宫殿。";

enum class Sloppiness {
  kWordAndStopDropped,   // one word and the final 。 left out
  kPunctuationAndWidth,  // half-width ， and 。, full-width digits
};

const char* NameOf(Sloppiness how) {
  switch (how) {
    case Sloppiness::kWordAndStopDropped:
      return "WordAndStopDropped";
    case Sloppiness::kPunctuationAndWidth:
      return "PunctuationAndWidth";
  }
  return "unknown";
}

// So that gtest names the parameter rather than printing its bytes.
void PrintTo(Sloppiness how, std::ostream* os) { *os << NameOf(how); }

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

std::string Sloppy(const Fact& f, Sloppiness how) {
  std::string s = f.needle;
  switch (how) {
    case Sloppiness::kWordAndStopDropped:
      s = Replace(s, f.dropped_word, "");
      return Replace(s, "。", "");
    case Sloppiness::kPunctuationAndWidth:
      s = Replace(Replace(s, "，", ","), "。", ".");
      for (char d = '0'; d <= '9'; ++d) {
        // U+FF10..U+FF19: EF BC 90..99
        s = Replace(s, std::string(1, d),
                    std::string("\xEF\xBC") + static_cast<char>(0x90 + d - '0'));
      }
      return s;
  }
  return s;
}

const Fact* FactAsked(const std::string& prompt) {
  for (const Fact& f : kFacts) {
    if (prompt.find(f.question) != std::string::npos) return &f;
  }
  return nullptr;
}

// The sloppy judge: for a chunk holding the planted sentence its question asks about,
// that sentence quoted sloppily plus an invented line; elsewhere NONE, except an
// invented quote alone where 甄士隐 appears. Keywords and answers as a model would.
class SloppyServer {
 public:
  explicit SloppyServer(Sloppiness how)
      : server_([how](const testing::FakeRequest& r) { return Reply(how, r); }) {}
  std::string base_url() const { return server_.base_url(); }
  int calls(const std::string& stage) const { return server_.request_count(stage); }

 private:
  static testing::FakeReply Reply(Sloppiness how, const testing::FakeRequest& r) {
    const std::string& user = r.messages.back().content;
    const Fact* f = FactAsked(user);
    if (f == nullptr) return testing::FakeReply::Status(400);
    if (r.stage == "relevance") {
      if (user.find(f->needle) != std::string::npos) {
        return testing::FakeReply::Content(Sloppy(*f, how) + "\n" + kInvented);
      }
      return testing::FakeReply::Content(user.find("甄士隐") != std::string::npos ? kInvented
                                                                                  : "NONE");
    }
    if (r.stage == "keywords") {
      return testing::FakeReply::Content(std::string("INFO: ") + f->question +
                                         "\nKEYWORDS: " + f->keywords);
    }
    if (r.stage == "answer") {
      return testing::FakeReply::Content(
          user.find(f->needle) != std::string::npos ? f->answer : "NOT IN EVIDENCE");
    }
    return testing::FakeReply::Status(400);
  }

  testing::FakeLlmServer server_;
};

// 128k estimated tokens of 红楼梦 with the five sentences planted, stored once.
struct Book {
  std::string text;
  std::string doc_id;
  std::vector<text::Chunk> chunks;
};

class SloppyQuotes : public ::testing::TestWithParam<Sloppiness> {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(testing::BooksDir() + "zh_hongloumeng.txt")) return;
    std::string text = testing::Haystack({"zh_hongloumeng.txt"}, 128'000);
    for (std::size_t i = 0; i < kFactCount; ++i) {
      text = testing::Plant(std::move(text), kFacts[i].needle, kDepths[i]);
    }
    const std::string dir = std::string(LONGFORGE_BINARY_DIR) + "/test-tmp/sloppy-quotes";
    fs::remove_all(dir);
    auto store = store::DocumentStore::Open(dir);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store.value()).release();
    book_ = new Book{text, store::DocumentIdOf(text), {}};
    ASSERT_TRUE(store_->Put(store::DocumentStore::TextKey(book_->doc_id), text).ok());
    book_->chunks = text::ChunkText(text, *text::MakeEstimator(), text::ChunkOptions{1000});
  }
  static void TearDownTestSuite() {
    delete book_;
    delete store_;
    book_ = nullptr;
    store_ = nullptr;
  }
  void SetUp() override {
    if (book_ == nullptr) {
      GTEST_SKIP() << testing::BooksDir() << "zh_hongloumeng.txt is absent";
    }
  }

  static store::DocumentStore* store_;
  static Book* book_;
};
store::DocumentStore* SloppyQuotes::store_ = nullptr;
Book* SloppyQuotes::book_ = nullptr;

envelope::Task TaskOf(const Fact& f, const std::string& doc_id, Sloppiness how) {
  envelope::Task t;
  t.task_id = "sloppy-" + std::to_string(static_cast<int>(how)) + "-" + std::to_string(&f - kFacts);
  t.doc_id = doc_id;
  t.question = f.question;
  t.language = "zh";
  return t;
}

// Every task read over every chunk by the relevance worker, one request per (task, chunk).
std::vector<envelope::RelevanceResult> ReadEveryChunk(workers::RelevanceWorker& worker,
                                                      const Book& book,
                                                      const std::vector<envelope::Task>& tasks) {
  std::mutex mu;
  std::vector<envelope::RelevanceResult> results;
  std::size_t pending = 0;
  for (const auto& task : tasks) {
    for (std::size_t c = 0; c < book.chunks.size(); ++c) {
      envelope::RelevanceRequest req;
      req.tasks = {task};
      req.chunk = {static_cast<uint32_t>(c), book.chunks[c].begin, book.chunks[c].end,
                   static_cast<uint32_t>(book.chunks[c].tokens)};
      req.chunk_count = static_cast<uint32_t>(book.chunks.size());
      {
        std::lock_guard lock(mu);
        ++pending;
      }
      worker.Handle({kafka::kRelevanceRequests, 0, static_cast<int64_t>(c), task.doc_id,
                     envelope::Encode(req)},
                    [&](Result<kafka::Outputs> out) {
                      std::lock_guard lock(mu);
                      --pending;
                      if (!out.ok()) {
                        ADD_FAILURE() << out.error().message;
                        return;
                      }
                      for (const auto& m : *out) {
                        auto r = envelope::DecodeRelevanceResult(m.value);
                        if (r.ok()) results.push_back(std::move(r.value()));
                      }
                    });
    }
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    {
      std::lock_guard lock(mu);
      if (pending == 0 || std::chrono::steady_clock::now() > until) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard lock(mu);
  EXPECT_EQ(pending, 0u) << "relevance calls still outstanding after 60 s";
  return results;
}

// The answer worker's records for `results`, by task id.
std::map<std::string, envelope::AnswerRecord> Answer(
    const std::vector<envelope::RelevanceResult>& results, llm::ChatClient& client,
    store::DocumentStore& store, std::size_t tasks) {
  const auto counter = text::MakeEstimator();
  workers::Retriever retriever(store, *counter, workers::RetrievalOptions{});
  workers::LlmAnswerBackend backend(client);
  auto keywords = workers::MakeLlmKeywordSource(client);
  workers::AnswerWorker worker({}, backend, &retriever, keywords.get());
  std::mutex mu;
  std::map<std::string, envelope::AnswerRecord> records;
  for (std::size_t i = 0; i < results.size(); ++i) {
    worker.Handle({kafka::kRelevanceResults, 0, static_cast<int64_t>(i), results[i].task.task_id,
                   envelope::Encode(results[i])},
                  [&](Result<kafka::Outputs> out) {
                    std::lock_guard lock(mu);
                    if (!out.ok()) {
                      ADD_FAILURE() << out.error().message;
                      return;
                    }
                    for (const auto& m : *out) {
                      if (m.topic != kafka::kAnswers) continue;
                      auto r = envelope::DecodeAnswerRecord(m.value);
                      if (r.ok()) records.emplace(r->task.task_id, std::move(r.value()));
                    }
                  });
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    {
      std::lock_guard lock(mu);
      if (records.size() == tasks || std::chrono::steady_clock::now() > until) break;
    }
    worker.Tick();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard lock(mu);
  return records;
}

// Whether an evidence span of `record` holds the planted sentence and the answer is its.
bool FoundEvidence(const envelope::AnswerRecord& record, const Book& book, const Fact& f) {
  const std::size_t at = book.text.find(f.needle);
  const std::size_t end = at + std::string_view(f.needle).size();
  const bool held = std::any_of(record.evidence.begin(), record.evidence.end(),
                                [&](const auto& e) { return e.begin <= at && end <= e.end; });
  return held && record.answer == f.answer;
}

TEST_P(SloppyQuotes, ParaphrasedChineseQuestionsAt128kFindTheirEvidence) {
  const Sloppiness how = GetParam();
  const Book& book = *book_;
  for (const Fact& f : kFacts) {
    // The verbatim guard, even without trailing punctuation, could not have kept it.
    const std::string quote = Sloppy(f, how);
    ASSERT_EQ(book.text.find(quote), std::string::npos) << quote;
    ASSERT_EQ(book.text.find(Replace(Replace(quote, ".", ""), "。", "")), std::string::npos);
    ASSERT_EQ(book.text.find(kInvented), std::string::npos);
  }
  SloppyServer server(how);
  llm::HttpChatClientOptions options;
  options.base_url = server.base_url();
  options.model = "sloppy-judge";
  auto client = llm::HttpChatClient::Create(options);
  ASSERT_TRUE(client.ok()) << client.error().message;
  prometheus::Registry registry;
  workers::RelevanceProbe probe(registry);
  auto judge = workers::LlmRelevanceJudge::Create(**client, {}, &probe);
  ASSERT_TRUE(judge.ok());
  workers::RelevanceWorker relevance(*store_, **judge);

  std::vector<envelope::Task> tasks;
  for (const Fact& f : kFacts) tasks.push_back(TaskOf(f, book.doc_id, how));
  const auto results = ReadEveryChunk(relevance, book, tasks);
  ASSERT_EQ(results.size(), tasks.size() * book.chunks.size());

  // Each planted sentence's chunk is relevant with its quote repaired into the chunk's
  // own text, and the invented line beside it dropped; an invented quote alone is none.
  uint32_t repaired = 0, invented_alone = 0;
  for (const auto& r : results) {
    const Fact& f = *FactAsked(r.task.question);
    const std::string chunk = book.text.substr(r.chunk.begin, r.chunk.end - r.chunk.begin);
    repaired += r.repaired_quotes;
    for (const auto& q : r.quotes) EXPECT_NE(chunk.find(q), std::string::npos) << q;
    if (chunk.find(f.needle) != std::string::npos) {
      EXPECT_EQ(r.verdict, envelope::RelevanceVerdict::kRelevant) << f.question;
      EXPECT_EQ(r.repaired_quotes, 1u) << f.question;
      EXPECT_EQ(r.dropped_quotes, 1u) << f.question;
      EXPECT_EQ(r.quotes.size(), 1u) << f.question;
      for (const auto& q : r.quotes) {
        EXPECT_NE(std::string(f.needle).find(q), std::string::npos) << q;
      }
    } else {
      EXPECT_EQ(r.verdict, envelope::RelevanceVerdict::kNone) << f.question;
      EXPECT_TRUE(r.quotes.empty());
      if (r.dropped_quotes > 0) ++invented_alone;
    }
  }
  EXPECT_EQ(repaired, kFactCount);
  EXPECT_GT(invented_alone, 0u) << "no chunk of the book names 甄士隐";
  const std::string metrics = builders::MetricsText(registry);
  EXPECT_NE(metrics.find("longforge_relevance_quotes_repaired_total " + std::to_string(kFactCount)),
            std::string::npos)
      << metrics;

  // Every question answered from its planted sentence, none by keyword retrieval.
  const auto records = Answer(results, **client, *store_, tasks.size());
  ASSERT_EQ(records.size(), tasks.size());
  int found = 0;
  for (std::size_t i = 0; i < kFactCount; ++i) {
    const auto& record = records.at(tasks[i].task_id);
    EXPECT_EQ(record.chunks_relevant, 1u) << kFacts[i].question;
    EXPECT_TRUE(FoundEvidence(record, book, kFacts[i])) << kFacts[i].question;
    found += FoundEvidence(record, book, kFacts[i]);
  }
  EXPECT_EQ(server.calls("keywords"), 0) << "a task fell back to keyword retrieval";

  // The verbatim guard: every quote the judge sent was repaired, so it kept none, every
  // chunk was none and every task fell back to its keywords.
  std::vector<envelope::RelevanceResult> verbatim = results;
  for (auto& r : verbatim) {
    ASSERT_EQ(r.quotes.size(), r.repaired_quotes);
    r.dropped_quotes += r.repaired_quotes;
    r.repaired_quotes = 0;
    r.quotes.clear();
    r.verdict = envelope::RelevanceVerdict::kNone;
    r.task.task_id += "-verbatim";
  }
  const int keyword_calls = server.calls("keywords");
  const auto fallback = Answer(verbatim, **client, *store_, tasks.size());
  ASSERT_EQ(fallback.size(), tasks.size());
  EXPECT_EQ(server.calls("keywords") - keyword_calls, static_cast<int>(kFactCount));
  int found_verbatim = 0;
  for (std::size_t i = 0; i < kFactCount; ++i) {
    found_verbatim += FoundEvidence(fallback.at(tasks[i].task_id + "-verbatim"), book, kFacts[i]);
  }
  // Reported, not asserted: what keyword retrieval finds depends on the retriever.
  std::cout << "[ SLOPPY   ] "
            << (how == Sloppiness::kWordAndStopDropped ? "word and 。 dropped"
                                                       : "punctuation and width")
            << ", " << book.chunks.size() << " chunks: " << found << " of " << kFactCount
            << " found with alignment (" << repaired << " quotes repaired, " << keyword_calls
            << " keyword fallbacks); " << found_verbatim << " of " << kFactCount
            << " with the verbatim guard (" << kFactCount << " keyword fallbacks)\n";
  RecordProperty("found", found);
  RecordProperty("found_verbatim_guard", found_verbatim);
}

INSTANTIATE_TEST_SUITE_P(Judges, SloppyQuotes,
                         ::testing::Values(Sloppiness::kWordAndStopDropped,
                                           Sloppiness::kPunctuationAndWidth),
                         [](const auto& info) { return std::string(NameOf(info.param)); });

}  // namespace
}  // namespace longforge
