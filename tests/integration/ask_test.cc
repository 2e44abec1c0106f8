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
