#include "producers/ingest/jsonl_document.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace longforge::producers {
namespace {

std::vector<std::string> Lines(const std::string& input, std::size_t max,
                               std::vector<bool>* too_long = nullptr) {
  std::istringstream in(input);
  std::vector<std::string> out;
  std::string line;
  bool flag = false;
  while (ReadBoundedLine(in, line, max, flag)) {
    out.push_back(line);
    if (too_long) too_long->push_back(flag);
  }
  return out;
}

TEST(ReadBoundedLine, ReadsLinesAcrossItsBufferAndALastLineWithoutNewline) {
  const std::string big(200000, 'b');  // longer than the 64 KiB piece it reads at a time
  EXPECT_EQ(Lines("a\n\n" + big + "\nlast", 1 << 20),
            (std::vector<std::string>{"a", "", big, "last"}));
  EXPECT_EQ(Lines("", 10), std::vector<std::string>{});
  EXPECT_EQ(Lines("x\n", 10), std::vector<std::string>{"x"});
}

TEST(ReadBoundedLine, ALineOverTheBoundIsReadThroughButNotKept) {
  std::vector<bool> too_long;
  const auto lines = Lines("short\n" + std::string(100000, 'x') + "\nafter\n", 10, &too_long);
  EXPECT_EQ(lines, (std::vector<std::string>{"short", "", "after"}));
  EXPECT_EQ(too_long, (std::vector<bool>{false, true, false}));
  // Exactly at the bound is kept.
  EXPECT_EQ(Lines(std::string(10, 'y') + "\n", 10), std::vector<std::string>{std::string(10, 'y')});
}

TEST(ParseJsonlDocument, ReadsEveryFieldAndWarnsAboutUnknownKeys) {
  auto doc = ParseJsonlDocument(
      R"({"id":"d1","title":"T","text":"Body.","questions":[{"question":"Q?","answer":"A"}],"lang":"en"})");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(doc->id, "d1");
  EXPECT_EQ(doc->title, "T");
  EXPECT_EQ(doc->text, "Body.");
  ASSERT_EQ(doc->questions.size(), 1u);
  EXPECT_EQ(doc->questions[0].answer, "A");
  ASSERT_EQ(doc->warnings.size(), 1u);
  EXPECT_EQ(doc->warnings[0], "unknown key \"lang\" ignored (known: id, title, text, questions)");
}

TEST(ParseJsonlDocument, MalformedJsonSaysWhy) {
  for (const std::string line : {"{\"text\": \"unterminated", "{\"text\":\"a\",}", "[[[[", "nul"}) {
    auto doc = ParseJsonlDocument(line);
    ASSERT_FALSE(doc.ok()) << line;
    EXPECT_NE(doc.error().message.find("not valid JSON ("), std::string::npos)
        << line << ": " << doc.error().message;
  }
  // Nesting beyond simdjson's depth limit is an error value, not a crash.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto doc = ParseJsonlDocument(deep);
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.error().message.find("not valid JSON"), std::string::npos) << doc.error().message;
}

}  // namespace
}  // namespace longforge::producers
