// `longforge run` itself killed without warning (SIGKILL) mid-run, twice, and the same
// command run again: the output ends with every task accounted for exactly once — the
// embedded broker forgot everything, the sink's files and the LLM cache did not.
// (SIGKILLed workers in separate processes: workers_test.cc.)

#include <gtest/gtest.h>
#include <signal.h>

#include <string>

#include "accounting.h"
#include "cargo_llm.h"
#include "cluster.h"
#include "support/fake_llm_server.h"
#include "support/subprocess.h"

namespace longforge::testing {
namespace {

using namespace std::chrono_literals;

std::string Lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "  " + l + "\n";
  return out;
}

TEST(ProcessFaults, ASigkilledRunRunAgainAccountsForEveryTaskOnce) {
  constexpr int kDocs = 4, kQuestions = 3;
  const std::string dir = TempDir();
  WriteSyntheticDocuments(dir + "/docs.jsonl", kDocs, kQuestions, 80);
  // Slow relevance calls keep the run going long enough to be killed twice.
  FakeLlmServer server([](const FakeRequest& r) { return CargoScript(r, 15ms); });
  const auto args = LlmRunArgs(dir, dir + "/docs.jsonl", server.base_url());
  const auto written = [&] { return ReadLines(dir + "/out/dataset.jsonl").size(); };

  // Killed right after its first record, then again half-way.
  for (const std::size_t kill_at : {std::size_t{1}, std::size_t{kDocs * kQuestions / 2}}) {
    auto run = Subprocess::Start(args);
    ASSERT_TRUE(WaitFor([&] { return written() >= kill_at || !run->Running(); }, 120s))
        << run->Stderr();
    ASSERT_TRUE(run->Running()) << "the run ended before it could be killed: " << run->Stdout();
    run->Signal(SIGKILL);
    EXPECT_EQ(run->Wait(10s), -1);
  }
  ASSERT_LT(written(), std::size_t{kDocs * kQuestions}) << "nothing left for the last run";

  const auto last = RunCommand(args, 180s);
  ASSERT_EQ(last.exit_code, 0) << last.out << last.err;
  const auto accounting = ReadAccounting(dir + "/out");
  const auto problems = Unaccounted(accounting, SyntheticTasks(kDocs, kQuestions));
  EXPECT_TRUE(problems.empty()) << Lines(problems) << accounting.Describe();
  EXPECT_EQ(accounting.Count(TaskEnd::kAccepted), std::size_t{kDocs * kQuestions})
      << accounting.Describe();
  EXPECT_TRUE(Contains(last.out, "tasks:          12 (ended 12)")) << last.out;
}

}  // namespace
}  // namespace longforge::testing
