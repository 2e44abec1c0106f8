// The README's exit codes, one test per command beyond argument errors (those are
// Cli.ArgumentErrorsExitOneWithTheParsersMessage): 1 = could not run, with the reason on
// stderr; 2 = finished, but inputs were rejected.

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "support/subprocess.h"

namespace longforge::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kFieldNotes =
    std::string(LONGFORGE_SOURCE_DIR) + "/examples/docs/field-notes.txt";

// Runs `longforge args...` and expects exit `code` with `reason` on stderr.
void ExpectExit(const std::vector<std::string>& args, int code, const std::string& reason) {
  std::vector<std::string> argv = {LongforgeBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto r = RunCommand(argv, 120s);
  std::string shown = "longforge";
  for (const auto& a : args) shown += " " + a;
  EXPECT_EQ(r.exit_code, code) << shown << "\n" << r.out << r.err;
  EXPECT_NE(r.err.find(reason), std::string::npos) << shown << "\n" << r.err;
}

TEST(ExitCodes, RunWithAnUnusableStoreCouldNotRun) {
  const std::string dir = TempDir();
  std::ofstream(dir + "/file") << "not a directory";
  ExpectExit({"run", "--input", kFieldNotes, "--out", dir + "/out", "--store", dir + "/file/store",
              "--no-progress"},
             1, dir + "/file/store");
}

TEST(ExitCodes, AskCouldNotRunOrRejectedTheDocument) {
  const std::string dir = TempDir();
  ExpectExit({"ask", "--doc", dir + "/missing.txt", "q?"}, 1, "missing.txt: cannot open");
  ExpectExit({"ask", "--doc", kFieldNotes, "--chunk-tokens", "3", "q?"}, 1,
             "--chunk-tokens must be 16..100000");
  std::ofstream(dir + "/empty.txt");
  ExpectExit({"ask", "--doc", dir + "/empty.txt", "q?"}, 2, "empty.txt: empty document");
}

TEST(ExitCodes, IngestOfARejectedInputFinishesWithTwo) {
  const std::string dir = TempDir();
  auto broker = Subprocess::Start({LongforgeBinary(), "broker", "--port-file", dir + "/port"});
  ASSERT_TRUE(WaitFor([&] { return fs::exists(dir + "/port"); }, 30s)) << broker->Stderr();
  std::string brokers;
  std::ifstream(dir + "/port") >> brokers;
  std::ofstream(dir + "/empty.txt");
  ExpectExit(
      {"ingest", "--brokers", brokers, "--store", dir + "/store", kFieldNotes, dir + "/empty.txt"},
      2, "empty.txt: empty document");
  broker->Signal(SIGTERM);
  EXPECT_EQ(broker->Wait(20s), 0) << "the broker stops cleanly on SIGTERM: " << broker->Stderr();
}

TEST(ExitCodes, WorkerWithAnInvalidConfigurationCouldNotRun) {
  ExpectExit({"worker", "chunker", "--brokers", "127.0.0.1:1", "--chunk-tokens", "3"}, 1,
             "--chunk-tokens must be 16..100000");
  ExpectExit({"worker", "questioner", "--brokers", "127.0.0.1:1", "--question-llm-url",
              "http://127.0.0.1:1/v1"},
             1, "questioner: an LLM URL needs a model");
}

TEST(ExitCodes, StatsOfAMissingDirectoryCouldNotRun) {
  const std::string dir = TempDir();
  ExpectExit({"stats", dir + "/nothing-here"}, 1, "nothing-here");
}

TEST(ExitCodes, ExportOfAMissingOrEmptyDirectoryCouldNotRun) {
  const std::string dir = TempDir();
  ExpectExit({"export", dir + "/nothing-here", "--trainer", "swift"}, 1,
             "nothing-here: no such directory");
  fs::create_directories(dir + "/empty");
  ExpectExit({"export", dir + "/empty", "--trainer", "llamafactory"}, 1,
             "empty: no dataset.jsonl here");
  ExpectExit({"export", dir + "/empty", "--trainer", "axolotl"}, 1, "--trainer");
}

TEST(ExitCodes, TokenizeWithoutItsFilesCouldNotRun) {
  const std::string dir = TempDir();
  ExpectExit({"tokenize", "--tokenizer", dir + "/missing.json"}, 1, "missing.json");
}

TEST(ExitCodes, BrokerWithAnInvalidConfigurationCouldNotRun) {
  ExpectExit({"broker", "--mock-brokers", "0"}, 1, "--mock-brokers must be 1..16");
}

}  // namespace
}  // namespace longforge::testing
