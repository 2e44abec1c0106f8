// `longforge run` against an LLM server that misbehaves: errors, timeouts, rate
// limits, bodies that are not chat completions, cut replies, replies in the wrong
// language, dropped connections. Whatever the fault, every task ends accepted,
// rejected with reasons or dead-lettered with a reason, exactly once (accounting.h):
// a fault that passes is retried until the task is accepted, and one that persists
// ends its tasks with a reason that names it.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>

#include "accounting.h"
#include "cargo_llm.h"
#include "cluster.h"
#include "support/fake_llm_server.h"
#include "support/subprocess.h"

namespace longforge::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kDocs = 2, kQuestions = 2;

std::string Lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "  " + l + "\n";
  return out;
}

// 2 documents of 2 questions, each call answered by the cargo script unless `fault`
// has a reply for it; --llm-timeout 2 so that a hung call times out quickly.
CommandResult RunWithFaults(const std::string& dir, FakeLlmServer& server) {
  WriteSyntheticDocuments(dir + "/docs.jsonl", kDocs, kQuestions, 40);
  auto args = LlmRunArgs(dir, dir + "/docs.jsonl", server.base_url());
  args.insert(args.end(), {"--llm-timeout", "2"});
  return RunCommand(args, 240s);
}

// The reply a fault gives instead of the script's.
using Fault = std::function<FakeReply(const FakeRequest&)>;

struct FaultCase {
  std::string name;
  Fault fault;
};

void PrintTo(const FaultCase& c, std::ostream* os) { *os << c.name; }

// Injects `fault` into the first attempt of about 30% of the distinct calls (chosen by
// a hash of the request body, so the choice is the same in every run); the next
// attempt of the same call gets the script's reply.
class FirstAttemptFaults {
 public:
  explicit FirstAttemptFaults(Fault fault) : state_(std::make_shared<State>()) {
    state_->fault = std::move(fault);
  }
  FakeReply operator()(const FakeRequest& r) const {
    bool inject = false;
    if (std::hash<std::string>{}(r.body) % 10 < 3) {
      std::lock_guard lock(state_->mu);
      inject = state_->seen[r.body]++ == 0;
      state_->injected += inject ? 1 : 0;
    }
    return inject ? state_->fault(r) : CargoScript(r, 0ms);
  }
  int injected() const {
    std::lock_guard lock(state_->mu);
    return state_->injected;
  }

 private:
  struct State {
    std::mutex mu;
    Fault fault;
    std::map<std::string, int> seen;  // guarded by mu
    int injected = 0;                 // guarded by mu
  };
  std::shared_ptr<State> state_;
};

class TransientLlmFault : public ::testing::TestWithParam<FaultCase> {};

TEST_P(TransientLlmFault, IsRetriedAndEveryTaskAccepted) {
  const std::string dir = TempDir();
  const FirstAttemptFaults faults(GetParam().fault);
  FakeLlmServer server(faults);
  const auto r = RunWithFaults(dir, server);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_GT(faults.injected(), 3) << "the fault should have hit several calls";
  const auto accounting = ReadAccounting(dir + "/out");
  const auto problems = Unaccounted(accounting, SyntheticTasks(kDocs, kQuestions));
  EXPECT_TRUE(problems.empty()) << Lines(problems) << accounting.Describe() << r.out;
  EXPECT_EQ(accounting.Count(TaskEnd::kAccepted), std::size_t{kDocs * kQuestions})
      << accounting.Describe() << r.out;
  EXPECT_TRUE(Contains(r.out, "unread chunks:  none of ")) << r.out;
}

INSTANTIATE_TEST_SUITE_P(
    Faults, TransientLlmFault,
    ::testing::Values(
        FaultCase{"http500", [](const FakeRequest&) { return FakeReply::Status(500, "oops"); }},
        FaultCase{"timeout",
                  [](const FakeRequest& r) {
                    auto reply = CargoScript(r, 0ms);
                    reply.delay = 4s;  // twice --llm-timeout
                    return reply;
                  }},
        FaultCase{"rate_limited", [](const FakeRequest&) { return FakeReply::RateLimited(1); }},
        FaultCase{"not_json", [](const FakeRequest&) { return FakeReply::NotJson(); }},
        FaultCase{"empty_choices", [](const FakeRequest&) { return FakeReply::EmptyChoices(); }},
        FaultCase{"drop_mid_body", [](const FakeRequest&) { return FakeReply::DropMidBody(); }}),
    [](const auto& info) { return info.param.name; });

// The answer calls fail (503) for longer than the HTTP client's own retries last
// (6 attempts, at most ~16 s of backoff); the stage waits the outage out and every
// task is accepted once the server is back. It used to dead-letter them all.
TEST(LlmFaults, AnAnswerServerDownLongerThanTheClientRetriesIsWaitedFor) {
  const std::string dir = TempDir();
  std::mutex mu;
  std::optional<std::chrono::steady_clock::time_point> first;  // guarded by mu
  std::atomic<int> refused{0};
  FakeLlmServer server([&](const FakeRequest& r) {
    if (r.stage != "answer") return CargoScript(r, 0ms);
    std::lock_guard lock(mu);
    if (!first) first = std::chrono::steady_clock::now();
    if (std::chrono::steady_clock::now() - *first < 20s) {
      ++refused;
      return FakeReply::Status(503, "the GPU node is restarting");
    }
    return CargoScript(r, 0ms);
  });
  const auto r = RunWithFaults(dir, server);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_GE(refused.load(), 6) << "every answer call should have met the outage";
  const auto accounting = ReadAccounting(dir + "/out");
  const auto problems = Unaccounted(accounting, SyntheticTasks(kDocs, kQuestions));
  EXPECT_TRUE(problems.empty()) << Lines(problems) << accounting.Describe() << r.out;
  EXPECT_EQ(accounting.Count(TaskEnd::kAccepted), std::size_t{kDocs * kQuestions})
      << accounting.Describe() << r.out;
}

// A fault on every answer call: what the tasks end as, and a word their reasons must
// contain.
struct PersistentCase {
  std::string name;
  Fault fault;
  TaskEnd end;
  std::string reason;
  int exit_code;  // 2: finished with dead letters; 0: finished, rejections included
};

void PrintTo(const PersistentCase& c, std::ostream* os) { *os << c.name; }

class PersistentLlmFault : public ::testing::TestWithParam<PersistentCase> {};

TEST_P(PersistentLlmFault, EndsEveryTaskWithAReasonNamingIt) {
  const std::string dir = TempDir();
  const PersistentCase& c = GetParam();
  FakeLlmServer server([&c](const FakeRequest& r) {
    return r.stage == "answer" ? c.fault(r) : CargoScript(r, 0ms);
  });
  const auto r = RunWithFaults(dir, server);
  EXPECT_EQ(r.exit_code, c.exit_code) << r.out << r.err;
  const auto accounting = ReadAccounting(dir + "/out");
  const auto problems = Unaccounted(accounting, SyntheticTasks(kDocs, kQuestions));
  EXPECT_TRUE(problems.empty()) << Lines(problems) << accounting.Describe() << r.out;
  EXPECT_EQ(accounting.Count(c.end), std::size_t{kDocs * kQuestions})
      << accounting.Describe() << r.out;
  for (const auto& [id, task] : accounting.tasks) {
    bool named = false;
    for (const auto& reason : task.reasons) named = named || Contains(reason, c.reason);
    EXPECT_TRUE(named) << id << " should give a reason containing \"" << c.reason << "\"\n"
                       << accounting.Describe();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Faults, PersistentLlmFault,
    ::testing::Values(
        PersistentCase{"not_json", [](const FakeRequest&) { return FakeReply::NotJson(); },
                       TaskEnd::kDeadLettered, "response is not JSON", 2},
        PersistentCase{"empty_choices",
                       [](const FakeRequest&) { return FakeReply::EmptyChoices(); },
                       TaskEnd::kDeadLettered, "response has no choices", 2},
        PersistentCase{
            "http400",
            [](const FakeRequest&) { return FakeReply::Status(400, "context length exceeded"); },
            TaskEnd::kDeadLettered, "HTTP 400", 2},
        PersistentCase{"finish_reason_length",
                       [](const FakeRequest&) { return FakeReply::Truncated("Copper"); },
                       TaskEnd::kDeadLettered, "cut off at max_tokens", 2},
        PersistentCase{"wrong_language",
                       [](const FakeRequest&) {
                         return FakeReply::Content(
                             "这艘船运载的货物是铜锭，它们被运往瓦尔莫拉港口，船员们记录了天气。");
                       },
                       TaskEnd::kRejected, "language_mismatch", 0}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace longforge::testing
