// `longforge ask` as a user runs it: what it prints for one question of one document.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/fake_llm_server.h"
#include "support/subprocess.h"

namespace longforge::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kFieldNotes =
    std::string(LONGFORGE_SOURCE_DIR) + "/examples/docs/field-notes.txt";

CommandResult Ask(const std::string& question, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {LongforgeBinary(),    "ask",   "--store",
                                   TempDir() + "/store", "--doc", kFieldNotes};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(question);
  return RunCommand(args, 120s);
}

constexpr const char* kEvidence =
    "evidence [0, 257): Field notes, week 14.  The river gauge at the old mill read 2.3 metres "
    "on Monday and rose to 2.9 metres after two days of rain. The footbridge stayed open.  On …\n";

TEST(Ask, PrintsTheAcceptedAnswerAndItsEvidence) {
  const auto r = Ask("How many herons were counted at the reed bed?");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "answer: On Thursday we counted forty-one herons at the reed bed, the highest number "
            "since the survey began.\n"
            "backend: extractive (no LLM); chunks read 1, relevant 1, lost 0; llm calls 0\n" +
                std::string(kEvidence));
}

// Evidence names the chapter it comes from, with the book above it.
TEST(Ask, NamesTheChapterOfItsEvidence) {
  const std::string dir = TempDir();  // each call empties it
  const std::string doc = dir + "/chapters.txt";
  {
    std::ofstream out(doc);
    out << "BOOK ONE: SPRING\n\nCHAPTER I\n\n";
    for (int i = 0; i < 60; ++i) out << "The miller mended the wheel of the old mill again. ";
    out << "\n\nCHAPTER II\n\n";
    for (int i = 0; i < 30; ++i) out << "The ferryman rowed across the grey river at dawn. ";
    out << "On Thursday we counted forty-one herons at the reed bed. ";
    for (int i = 0; i < 30; ++i) out << "The ferryman rowed across the grey river at dawn. ";
    out << "\n";
  }
  const auto r = RunCommand({LongforgeBinary(), "ask", "--store", dir + "/store", "--doc", doc,
                             "How many herons were counted at the reed bed?"},
                            120s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("answer: On Thursday we counted forty-one herons", 0), 0u) << r.out;
  EXPECT_NE(r.out.find(") in BOOK ONE: SPRING / CHAPTER II: "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("CHAPTER I: "), std::string::npos) << r.out;
}

// A global question without an LLM: the rule routes it, every note of the document is
// reduced by the extractive baseline, and the chapters of the notes are printed.
TEST(Ask, AGlobalQuestionReadsTheWholeDocumentAndNamesItsChapters) {
  const std::string dir = TempDir();
  const std::string doc = dir + "/bells.txt";
  {
    std::ofstream out(doc);
    for (int c = 1; c <= 4; ++c) {
      out << "CHAPTER " << std::string(c, 'I') << "\n\n";
      for (int i = 0; i < 40; ++i) out << "The miller mended the wheel of the old mill again. ";
      out << "The sexton rang the chapel bell for the wedding in chapter " << c << ". ";
      for (int i = 0; i < 40; ++i) out << "The ferryman rowed across the grey river at dawn. ";
      out << "\n\n";
    }
  }
  const auto r = RunCommand(
      {LongforgeBinary(), "ask", "--store", dir + "/store", "--chunk-tokens", "300", "--doc", doc,
       "How many times did the sexton ring the chapel bell over the whole book?"},
      120s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("reading: global, 4 notes, reduce depth 0\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("chapters: CHAPTER I; CHAPTER II; CHAPTER III; CHAPTER IIII\n"),
            std::string::npos)
      << r.out;
}

// `ask` over War and Peace as the issue asks it: the route call says global, the notes
// about Pierre from the whole novel are reduced, and the answer names its chapters.
TEST(Ask, HowPierreChangesIsReadOverTheWholeNovel) {
  const std::string book =
      std::string(LONGFORGE_SOURCE_DIR) + "/../shared/data/books/en_war_and_peace_pg2600.txt";
  if (!fs::exists(book)) GTEST_SKIP() << book << " is absent";
  FakeLlmServer server([](const FakeRequest& r) {
    const std::string& user = r.messages.back().content;
    if (r.stage == "route") return FakeReply::Content("GLOBAL");
    if (r.stage == "relevance") {
      // Quote the first two sentences that name Pierre, verbatim.
      std::string quotes;
      std::size_t at = 0;
      for (int n = 0; n < 2 && (at = user.find("Pierre", at)) != std::string::npos; ++n) {
        std::size_t begin = user.find_last_of(".!?\n", at);
        begin = begin == std::string::npos ? 0 : begin + 1;
        std::size_t end = user.find_first_of(".!?", at);
        if (end == std::string::npos) break;
        std::string q = user.substr(begin, end + 1 - begin);
        for (char& c : q) c = c == '\n' ? ' ' : c;
        if (q.find('<') == std::string::npos) quotes += q + "\n";
        at = end;
      }
      return FakeReply::Content(quotes.empty() ? "NONE" : quotes);
    }
    if (r.stage == "reduce") {  // keep every third note
      std::string kept;
      std::size_t at = 0;
      int n = 0;
      while ((at = user.find("[part ", at)) != std::string::npos) {
        const std::size_t end = user.find('\n', at);
        if (n++ % 3 == 0) kept += user.substr(at, end - at) + "\n";
        at = end;
      }
      return FakeReply::Content(kept);
    }
    if (r.stage == "answer") {
      return FakeReply::Content(
          "Pierre goes from an awkward heir searching for meaning to a settled husband "
          "(BOOK FIFTEEN).");
    }
    return FakeReply::Content("NONE");
  });
  const std::string dir = TempDir();
  const auto r = RunCommand(
      {LongforgeBinary(), "ask", "--store", dir + "/store", "--llm-url", server.base_url(),
       "--llm-model", "m", "--doc", book, "How does Pierre change over the novel?"},
      300s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("answer: Pierre goes from an awkward heir", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("reading: global, "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("reduce depth 0"), std::string::npos) << "hundreds of notes fit no call";
  EXPECT_NE(r.out.find("chapters: BOOK ONE: 1805 / CHAPTER I"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("BOOK FIFTEEN: 1812 - 13"), std::string::npos) << r.out;
  EXPECT_EQ(server.request_count("route"), 1);
  EXPECT_GT(server.request_count("reduce"), 1);
  EXPECT_EQ(server.request_count("answer"), 1);
}

TEST(Ask, PrintsTheFiltersDecisionAndReasonsForARejectedAnswer) {
  const auto r = Ask("When was the bicycle invented?");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "answer: (none)\n"
            "filter: reject (empty_answer )\n"
            "backend: extractive (no LLM); chunks read 1, relevant 0, lost 0; llm calls 0\n" +
                std::string(kEvidence));
}

TEST(Ask, PrintsTheAnswerWhateverTheDatasetFormat) {
  // The answer comes from the pipeline's record, not from the line the sink rendered.
  for (const char* format : {"sharegpt", "alpaca"}) {
    const auto r = Ask("How many herons were counted at the reed bed?", {"--format", format});
    ASSERT_EQ(r.exit_code, 0) << format << r.err;
    EXPECT_EQ(r.out.rfind("answer: On Thursday we counted forty-one herons", 0), 0u)
        << format << "\n"
        << r.out;
  }
}

// `longforge ask` with TMPDIR=`tmp`, as a user without --store runs it.
CommandResult AskIn(const std::string& tmp, const std::string& doc,
                    const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"env", "TMPDIR=" + tmp, LongforgeBinary(), "ask", "--doc", doc};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back("How many herons were counted at the reed bed?");
  return RunCommand(args, 120s);
}

bool IsEmptyDir(const std::string& dir) { return fs::is_empty(dir); }

// A server that says every chunk is irrelevant and answers anything with one sentence.
FakeReply Herons(const FakeRequest& r) {
  if (r.stage == "relevance") return FakeReply::Content("NONE");
  if (r.stage == "keywords") return FakeReply::Content("INFO: herons\nKEYWORDS: herons");
  return FakeReply::Content("Forty-one herons.");
}

TEST(Ask, WithoutStoreUsesAPrivateDirectoryRemovedAtExit) {
  const std::string dir = TempDir();
  const std::string tmp = dir + "/tmp";
  fs::create_directories(tmp);
  const auto r = AskIn(tmp, kFieldNotes);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("answer: On Thursday we counted forty-one herons", 0), 0u) << r.out;
  EXPECT_TRUE(IsEmptyDir(tmp)) << "left behind in TMPDIR: " << fs::directory_iterator(tmp)->path();
  // Also when the document is rejected (exit 2), naming the document, not the copy.
  const std::string blank = dir + "/blank.txt";
  std::ofstream(blank) << "  \n";
  const auto rejected = AskIn(tmp, blank);
  EXPECT_EQ(rejected.exit_code, 2) << rejected.err;
  EXPECT_NE(rejected.err.find("longforge ask: input rejected: " + blank + ": only whitespace"),
            std::string::npos)
      << rejected.err;
  EXPECT_TRUE(IsEmptyDir(tmp));
}

// Two asks without --store share neither a store nor an LLM cache: the second one asks
// the server again instead of replaying the first one's replies.
TEST(Ask, ConsecutiveAsksWithoutStoreShareNoLlmCache) {
  const std::string tmp = TempDir() + "/tmp";
  fs::create_directories(tmp);
  FakeLlmServer server(Herons);
  const std::vector<std::string> llm = {"--llm-url", server.base_url(), "--llm-model", "m"};
  const auto first = AskIn(tmp, kFieldNotes, llm);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const int calls = server.request_count();
  ASSERT_GT(calls, 0);
  const auto second = AskIn(tmp, kFieldNotes, llm);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(server.request_count(), 2 * calls) << "the second ask replayed a shared cache";
  EXPECT_TRUE(IsEmptyDir(tmp));
}

TEST(Ask, StoreKeepsTheStoreAndItsCacheAndNoCacheWritesNone) {
  const std::string dir = TempDir();
  FakeLlmServer server(Herons);
  const std::vector<std::string> llm = {"--llm-url", server.base_url(), "--llm-model", "m"};
  auto with_store = llm;
  with_store.insert(with_store.end(), {"--store", dir + "/store"});
  ASSERT_EQ(AskIn(dir, kFieldNotes, with_store).exit_code, 0);
  EXPECT_TRUE(fs::exists(dir + "/store/llm-cache.sqlite"));
  const int calls = server.request_count();
  ASSERT_EQ(AskIn(dir, kFieldNotes, with_store).exit_code, 0);
  EXPECT_EQ(server.request_count(), calls) << "the kept store's cache should have answered";

  auto no_cache = llm;
  no_cache.insert(no_cache.end(), {"--store", dir + "/uncached", "--no-cache"});
  const auto r = AskIn(dir, kFieldNotes, no_cache);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(server.request_count(), 2 * calls);
  EXPECT_TRUE(fs::exists(dir + "/uncached"));
  EXPECT_FALSE(fs::exists(dir + "/uncached/llm-cache.sqlite"));
  for (const auto& e : fs::recursive_directory_iterator(dir + "/uncached")) {
    EXPECT_EQ(e.path().filename().string().find("cache"), std::string::npos) << e.path();
  }
}

}  // namespace
}  // namespace longforge::testing
