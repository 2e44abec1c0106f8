// Questions about the whole document written by rule from the map (timeline, count,
// first_last), answered by the extractive baseline through `longforge run`, over real
// books: the filter's verifier must pass every one of them.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "support/subprocess.h"
#include "validate.h"

namespace longforge::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string Book(const std::string& name) {
  return std::string(LONGFORGE_SOURCE_DIR) + "/../shared/data/books/" + name;
}

struct Seen {
  std::map<std::string, int> asked;     // question type -> records
  std::map<std::string, int> accepted;  // question type -> accepted records
  std::vector<std::string> failures;    // question, answer, reference, reasons
};

Seen RunBook(const std::string& book, int questions) {
  const std::string dir = TempDir();
  const auto r =
      RunCommand({LongforgeBinary(), "run", "--input", book, "--out", dir + "/out", "--store",
                  dir + "/store", "--no-progress", "--metrics-port", "0", "--questions-per-doc",
                  std::to_string(questions), "--global-share", "1"},
                 300s);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(r.out.find("by rule (timeline, count, first_last, aggregate)") != std::string::npos)
      << r.out;
  Seen seen;
  for (const char* file : {"/out/dataset.jsonl", "/out/rejected.jsonl"}) {
    for (const auto& line : ReadLines(dir + file)) {
      const auto j = nlohmann::json::parse(line);
      const auto& meta = j["meta"];
      const std::string type = meta["question_type"];
      EXPECT_EQ(meta["scope"], "global");
      EXPECT_FALSE(meta["verifier"].get<std::string>().empty());
      ++seen.asked[type];
      if (meta["decision"] == "accept") {
        ++seen.accepted[type];
      } else {
        seen.failures.push_back(line.substr(0, 2000));
      }
    }
  }
  // Every record made by the pipeline validates against its format's schema.
  if (const auto why = ValidatorUnavailable(); why.empty()) {
    std::string out;
    EXPECT_EQ(ValidateJsonl({dir + "/out/dataset.jsonl"}, "messages", out), 0) << out;
    EXPECT_EQ(ValidateJsonl({dir + "/out/rejected.jsonl"}, "rejected", out), 0) << out;
  }
  return seen;
}

void ExpectEveryVerdictPasses(const std::string& name, int min_timeline, int min_count) {
  const std::string book = Book(name);
  if (!fs::exists(book)) GTEST_SKIP() << book << " is absent; this test needs ../shared/data";
  const Seen seen = RunBook(book, 18);
  EXPECT_GE(seen.asked.count("timeline") ? seen.asked.at("timeline") : 0, min_timeline);
  EXPECT_GE(seen.asked.count("count") ? seen.asked.at("count") : 0, min_count);
  // The reference is computed from the text and the baseline answers from the notes of
  // a whole reading: the verifier passes each of them (order for timelines, number for
  // counts, exact for chapters).
  EXPECT_EQ(seen.accepted, seen.asked);
  for (const auto& f : seen.failures) ADD_FAILURE() << f;
}

TEST(GlobalQuestions, TheExtractiveBaselineAnswersTimelinesAndCountsOverMobyDick) {
  ExpectEveryVerdictPasses("en_moby_dick_pg2701.txt", 5, 5);
}

TEST(GlobalQuestions, TheExtractiveBaselineAnswersTimelinesAndCountsOverHongloumeng) {
  // Fewer of its names are mentioned in few enough chapters to count.
  ExpectEveryVerdictPasses("zh_hongloumeng.txt", 5, 2);
}

TEST(GlobalQuestions, TheExtractiveBaselineAddsUpTheFiguresOfAReport) {
  // Six sections, each stating its revenue once; read in chunks of 200 tokens, so that a
  // chunk holds parts of two sections.
  const std::string dir = TempDir();
  const long long revenue[] = {1250, 980, 2310, 1475, 860, 3020};
  std::string report = "Annual report of the Harbour Cooperative\n\n";
  for (int i = 0; i < 6; ++i) {
    report += "SECTION " + std::to_string(i + 1) + ". District " + std::to_string(i + 1) +
              "\n\nThe district had a quiet year on the water, with fewer storms than the year "
              "before and steady work for the crews that fish the outer banks. Members met each "
              "month in the hall by the quay to settle accounts and plan repairs. Revenue was " +
              std::to_string(revenue[i]) +
              " crowns for the year. The boats landed cod, herring and a little mackerel, and "
              "the drying sheds were full by the end of the summer.\n\n";
  }
  std::ofstream(dir + "/report.txt") << report;
  const auto r =
      RunCommand({LongforgeBinary(), "run", "--input", dir + "/report.txt", "--out", dir + "/out",
                  "--store", dir + "/store", "--no-progress", "--metrics-port", "0",
                  "--chunk-tokens", "200", "--questions-per-doc", "8", "--global-share", "1"},
                 120s);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  int aggregates = 0;
  for (const auto& line : ReadLines(dir + "/out/dataset.jsonl")) {
    const auto meta = nlohmann::json::parse(line)["meta"];
    if (meta["question_type"] != "aggregate") continue;
    ++aggregates;
    EXPECT_EQ(meta["reference"], "9895");
    EXPECT_EQ(meta["verifier"], "number");
  }
  // One label to add up: one aggregate question (a second would repeat it).
  EXPECT_EQ(aggregates, 1) << r.out;
  for (const auto& line : ReadLines(dir + "/out/rejected.jsonl")) {
    ADD_FAILURE() << line.substr(0, 1500);
  }
}

}  // namespace
}  // namespace longforge::testing
