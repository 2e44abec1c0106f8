// `longforge ask` as a user runs it: what it prints for one question of one document.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/subprocess.h"

namespace longforge::testing {
namespace {

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

}  // namespace
}  // namespace longforge::testing
