// docs/ROBUSTNESS.md names, for every kind of hostile input, the test that proves what
// longforge does with it. This test keeps the table from going stale: every test it
// names must be defined in the test sources (ctest then runs them).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "unit/ops/source_tree.h"

namespace longforge::testing {
namespace {

namespace fs = std::filesystem;

// "Suite.Name" of every TEST, TEST_F and TEST_P under tests/.
std::set<std::string> DefinedTests() {
  const std::regex test(R"(\bTEST(?:_F|_P)?\(\s*(\w+)\s*,\s*(\w+)\s*\))");
  std::set<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(kSource / "tests")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".cc") continue;
    const std::string text = Slurp(entry.path());
    for (std::sregex_iterator it(text.begin(), text.end(), test), end; it != end; ++it) {
      names.insert((*it)[1].str() + "." + (*it)[2].str());
    }
  }
  return names;
}

struct Row {
  int line = 0;
  std::string text;
  std::vector<std::string> tests;  // the `Suite.Name`s of its last cell
};

// The rows of the tables under "## Hostile input" and "## Faults", header and separator
// left out.
std::vector<Row> TableRows(const std::string& doc) {
  std::vector<Row> rows;
  std::istringstream in(doc);
  std::string line;
  bool in_section = false;
  int number = 0;
  int table_line = 0;
  const std::regex name(R"(`([A-Za-z]\w*\.[A-Za-z]\w*)`)");
  while (std::getline(in, line)) {
    ++number;
    if (line.starts_with("## ")) in_section = line == "## Hostile input" || line == "## Faults";
    if (!in_section || !line.starts_with("|")) {
      table_line = 0;
      continue;
    }
    if (++table_line <= 2) continue;  // header and separator
    Row row{number, line, {}};
    const std::string last = line.substr(line.rfind('|', line.size() - 2));
    for (std::sregex_iterator it(last.begin(), last.end(), name), end; it != end; ++it) {
      row.tests.push_back((*it)[1].str());
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

TEST(RobustnessDoc, EveryRowNamesTestsThatExist) {
  const std::string doc = Slurp(kSource / "docs/ROBUSTNESS.md");
  ASSERT_FALSE(doc.empty()) << "docs/ROBUSTNESS.md is missing";
  const auto rows = TableRows(doc);
  EXPECT_GE(rows.size(), 25u) << "the issue asks for at least 25 kinds of hostile input";
  const auto defined = DefinedTests();
  ASSERT_GT(defined.size(), 100u) << "no tests found under " << kSource / "tests";
  for (const Row& row : rows) {
    EXPECT_FALSE(row.tests.empty())
        << "ROBUSTNESS.md:" << row.line << " names no test: " << row.text;
    for (const auto& test : row.tests) {
      EXPECT_TRUE(defined.contains(test))
          << "ROBUSTNESS.md:" << row.line << " names " << test << ", which no test defines";
    }
  }
}

TEST(RobustnessDoc, EndsWithTheFaultsSection) {
  const std::string doc = Slurp(kSource / "docs/ROBUSTNESS.md");
  const auto at = doc.rfind("\n## ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(doc.substr(at + 1, doc.find('\n', at + 1) - at - 1), "## Faults");
}

// The parser itself: a row without a test and a misspelt test are caught.
TEST(RobustnessDoc, TheParserFindsRowsAndTheirTests) {
  const auto rows = TableRows(
      "# x\n\n## Hostile input\n\n| input | behaviour | test |\n| --- | --- | --- |\n"
      "| a | b | `Suite.One`, `Suite.Two` |\n| c `Not.This` | d | none |\n\n## Faults\n\n"
      "| e | f | `Other.Row` |\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].tests, (std::vector<std::string>{"Suite.One", "Suite.Two"}));
  EXPECT_TRUE(rows[1].tests.empty());
  EXPECT_EQ(rows[0].line, 7);
  const auto defined = DefinedTests();
  EXPECT_TRUE(defined.contains("RobustnessDoc.TheParserFindsRowsAndTheirTests"));
  EXPECT_FALSE(defined.contains("Suite.One"));
}

}  // namespace
}  // namespace longforge::testing
