// Hostile and broken input given to ingest: what is rejected, with which reason and
// where, what is only warned about, and what goes through unchanged (docs/ROBUSTNESS.md).

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>
#include <string>

#include "unit/producers/ingester_fixture.h"

namespace longforge::producers {
namespace {

namespace fs = std::filesystem;

// The reason of the one problem reported at `where`, or "" when there is none.
std::string ReasonAt(const Ingester& ing, const std::string& where) {
  for (const auto& p : ing.problems()) {
    if (p.where == where) return p.reason;
  }
  return "";
}

bool Has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

TEST_F(IngesterTest, JsonlFieldsOfTheWrongTypeNameTheFieldAndTheType) {
  const std::string path = dir_ / "types.jsonl";
  Write(path,
        R"({"text":5})"
        "\n"  // 1
        R"({"text":"t","questions":"x"})"
        "\n"  // 2
        R"({"text":"t","title":7})"
        "\n"  // 3
        R"({"text":"t","id":1.5})"
        "\n"  // 4
        R"({"text":"t","id":true})"
        "\n"  // 5
        R"({"text":"t","id":""})"
        "\n"  // 6
        R"({"text":"t","questions":[{"question":3}]})"
        "\n"  // 7
        R"({"text":"t","questions":[{"question":" \t"}]})"
        "\n"  // 8
        R"({"text":"t","questions":["Who?"]})"
        "\n"  // 9
        R"({"text":"one","text":"two"})"
        "\n"  // 10
        R"({"text":"A good line.","id":7})"
        "\n");  // 11
  auto ing = Make();
  ing.IngestPath(path);
  const auto at = [&](int line) { return ReasonAt(ing, path + ":" + std::to_string(line)); };
  EXPECT_TRUE(Has(at(1), "\"text\" must be a string, not a number")) << Problems(ing);
  EXPECT_TRUE(Has(at(2), "\"questions\" must be an array, not a string")) << Problems(ing);
  EXPECT_TRUE(Has(at(3), "\"title\" must be a string, not a number")) << Problems(ing);
  EXPECT_TRUE(Has(at(4), "\"id\" must be a string or integer, not a number")) << Problems(ing);
  EXPECT_TRUE(Has(at(5), "\"id\" must be a string or integer, not a boolean")) << Problems(ing);
  EXPECT_TRUE(Has(at(6), "\"id\" is empty")) << Problems(ing);
  EXPECT_TRUE(Has(at(7), "questions[0]: \"question\" must be a string, not a number"))
      << Problems(ing);
  EXPECT_TRUE(Has(at(8), "questions[0]: \"question\" is empty")) << Problems(ing);
  EXPECT_TRUE(Has(at(9), "questions[0] must be an object, not a string")) << Problems(ing);
  EXPECT_TRUE(Has(at(10), "key \"text\" appears twice")) << Problems(ing);
  EXPECT_EQ(ing.problems().size(), 10u) << Problems(ing);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].source, path + ":11");
  EXPECT_EQ(events_[0].doc_id, "7");  // an integer id is its decimal text
}

TEST_F(IngesterTest, UnknownJsonlKeysWarnNamingFileLineAndKeyAndTheLineIsIngested) {
  const std::string path = dir_ / "typos.jsonl";
  Write(path, R"({"text":"The first document.","txt":"lost?"})"
              "\n"
              R"({"text":"The second document.","questions":[{"question":"Who?","answr":"Ann"}]})"
              "\n");
  auto ing = Make();
  ing.IngestPath(path);
  EXPECT_TRUE(ing.problems().empty()) << Problems(ing);
  ASSERT_EQ(events_.size(), 2u);
  ASSERT_EQ(ing.warnings().size(), 2u);
  EXPECT_EQ(ing.warnings()[0].where, path + ":1");
  EXPECT_TRUE(Has(ing.warnings()[0].reason, "unknown key \"txt\" ignored"))
      << ing.warnings()[0].reason;
  EXPECT_EQ(ing.warnings()[1].where, path + ":2");
  EXPECT_TRUE(Has(ing.warnings()[1].reason, "questions[0]: unknown key \"answr\" ignored"))
      << ing.warnings()[1].reason;
  // The question stays, without the answer the typo hid.
  ASSERT_EQ(events_[1].questions.size(), 1u);
  EXPECT_FALSE(events_[1].questions[0].answer.has_value());
}

// Ids with path characters, NUL or 10,000 bytes name files inside the store only, each
// name short enough for any filesystem, and stay distinct documents.
TEST_F(IngesterTest, IdsWithPathCharactersOrHugeLengthStayInsideTheStore) {
  const std::string path = dir_ / "ids.jsonl";
  const std::vector<std::string> ids = {"../x",      "../../escaped",
                                        "a/b",       "/etc/passwd",
                                        "..",        ".",
                                        "x\\u0000y", std::string(10000, 'z'),
                                        "a\\\\b",    "~"};
  std::string lines;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    lines += R"({"id":")" + ids[i] + R"(","text":"Text number )" + std::to_string(i) + ".\"}\n";
  }
  Write(path, lines);
  auto ing = Make();
  ing.IngestPath(path);
  ASSERT_TRUE(ing.problems().empty()) << Problems(ing);
  ASSERT_EQ(events_.size(), ids.size());
  std::set<std::string> distinct;
  for (std::size_t i = 0; i < events_.size(); ++i) {
    const auto& id = events_[i].doc_id;
    distinct.insert(id);
    EXPECT_LE(id.size(), store::kMaxGivenIdBytes) << id;
    EXPECT_EQ(id.find_first_of(std::string("/\\\0", 3)), std::string::npos) << id;
    EXPECT_NE(id.front(), '.') << id;
    EXPECT_EQ(Stored(events_[i]), "Text number " + std::to_string(i) + ".");
  }
  EXPECT_EQ(distinct.size(), ids.size());
  // Every file is under the store directory, with a name of at most 255 bytes.
  const fs::path root = fs::canonical(dir_ / "store");
  std::size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const auto canonical = fs::canonical(entry.path());
    EXPECT_TRUE(canonical.string().starts_with(root.string() + "/")) << canonical;
    EXPECT_LE(entry.path().filename().string().size(), 255u) << entry.path();
    files += entry.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(files, ids.size());
  // Nothing was written beside the store.
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    EXPECT_TRUE(entry.path().filename() == "store" || entry.path().filename() == "ids.jsonl")
        << entry.path();
  }
}

TEST_F(IngesterTest, Utf16AndUtf32FilesAreRejectedNamingTheEncoding) {
  Write(dir_ / "le.txt", std::string("\xFF\xFEh\0i\0", 6));
  Write(dir_ / "be.txt", std::string("\xFE\xFF\0h\0i", 6));
  Write(dir_ / "le32.txt", std::string("\xFF\xFE\0\0h\0\0\0", 8));
  Write(dir_ / "le.jsonl", std::string("\xFF\xFE{\0\"\0t\0e\0x\0t\0\"\0:\0\"\0a\0\"\0}\0\n\0", 28));
  auto ing = Make();
  for (const char* name : {"le.txt", "be.txt", "le32.txt", "le.jsonl"}) ing.IngestPath(dir_ / name);
  EXPECT_TRUE(events_.empty());
  ASSERT_EQ(ing.problems().size(), 4u) << Problems(ing);
  EXPECT_TRUE(Has(ReasonAt(ing, dir_ / "le.txt"), "UTF-16LE text (byte order mark at offset 0)"))
      << Problems(ing);
  EXPECT_TRUE(Has(ReasonAt(ing, dir_ / "be.txt"), "UTF-16BE")) << Problems(ing);
  EXPECT_TRUE(Has(ReasonAt(ing, dir_ / "le32.txt"), "UTF-32LE")) << Problems(ing);
  // Said once for the whole JSONL file, not for every line.
  EXPECT_TRUE(Has(ReasonAt(ing, dir_ / "le.jsonl"), "iconv -f UTF-16LE -t UTF-8")) << Problems(ing);
}

TEST_F(IngesterTest, Utf8ByteOrderMarkIsDroppedFromTextAndJsonl) {
  Write(dir_ / "bom.txt", "\xEF\xBB\xBFSame words.");
  Write(dir_ / "plain.txt", "Same words.");
  Write(dir_ / "bom.jsonl", "\xEF\xBB\xBF{\"text\":\"A JSONL line after a BOM.\"}\n");
  auto ing = Make();
  for (const char* name : {"bom.txt", "plain.txt", "bom.jsonl"}) ing.IngestPath(dir_ / name);
  ASSERT_TRUE(ing.problems().empty()) << Problems(ing);
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(Stored(events_[0]), "Same words.");
  EXPECT_EQ(events_[0].doc_id, events_[1].doc_id);  // one text, one id
  EXPECT_EQ(Stored(events_[2]), "A JSONL line after a BOM.");
}

TEST_F(IngesterTest, CrlfJsonlLinesParseAndTextKeepsItsLineEndsExactly) {
  Write(dir_ / "crlf.jsonl", "{\"text\":\"one\"}\r\n\r\n{\"text\":\"two\\r\\nlines\"}\r\n");
  Write(dir_ / "crlf.txt", "Line one.\r\nLine two.\r\n");
  auto ing = Make();
  ing.IngestPath(dir_ / "crlf.jsonl");
  ing.IngestPath(dir_ / "crlf.txt");
  ASSERT_TRUE(ing.problems().empty()) << Problems(ing);
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(events_[0].source, dir_ / "crlf.jsonl" + ":1");
  EXPECT_EQ(Stored(events_[0]), "one");
  EXPECT_EQ(events_[1].source, dir_ / "crlf.jsonl" + ":3");
  EXPECT_EQ(Stored(events_[1]), "two\r\nlines");
  EXPECT_EQ(Stored(events_[2]), "Line one.\r\nLine two.\r\n");
}

TEST_F(IngesterTest, InvalidUtf8AndNulInJsonlLinesNameLineAndOffset) {
  const std::string path = dir_ / "mixed.jsonl";
  Write(path,
        "{\"text\":\"caf\xE9\"}\n"                 // Latin-1 é in a UTF-8 file
        "{\"text\":\"abc\\u0000def\"}\n"           // a NUL escaped into the text
        "{\"text\":\"\xC3\xA9t\xC3\xA9 ok\"}\n");  // UTF-8 é
  auto ing = Make();
  ing.IngestPath(path);
  EXPECT_TRUE(Has(ReasonAt(ing, path + ":1"), "invalid UTF-8 at byte offset 12 of the line"))
      << Problems(ing);
  EXPECT_TRUE(Has(ReasonAt(ing, path + ":2"), "NUL byte at offset 3")) << Problems(ing);
  EXPECT_EQ(ing.problems().size(), 2u) << Problems(ing);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(Stored(events_[0]), "\xC3\xA9t\xC3\xA9 ok");
}

// A line longer than 4 x --max-document-bytes is read through, not kept, and reported;
// the next line is still read.
TEST_F(IngesterTest, OverlongJsonlLineIsAProblemAndTheNextLineIsRead) {
  IngestOptions options;
  options.max_document_bytes = 100;
  Write(dir_ / "long.jsonl",
        "{\"text\":\"" + std::string(500, 'a') + "\"}\n{\"text\":\"short\"}\n");
  auto ing = Make(options);
  ing.IngestPath(dir_ / "long.jsonl");
  EXPECT_TRUE(Has(ReasonAt(ing, dir_ / "long.jsonl" + ":1"), "line of more than 400 bytes"))
      << Problems(ing);
  ASSERT_EQ(events_.size(), 1u) << Problems(ing);
  EXPECT_EQ(events_[0].source, dir_ / "long.jsonl" + ":2");
}

TEST_F(IngesterTest, EndlessStdinTextStopsAtTheLimit) {
  IngestOptions options;
  options.max_document_bytes = 1000;
  auto ing = Make(options);
  std::istringstream huge(std::string(200000, 'x'));
  ing.IngestStream(huge, "stdin", false);
  ASSERT_EQ(ing.problems().size(), 1u);
  EXPECT_EQ(ing.problems()[0].where, "stdin");
  EXPECT_TRUE(Has(ing.problems()[0].reason, "more than 1000 bytes, over the limit"))
      << ing.problems()[0].reason;
  // Read no further than the first piece past the limit.
  EXPECT_LT(huge.tellg(), 200000);
  EXPECT_TRUE(events_.empty());
}

TEST_F(IngesterTest, EmptyDirectoryIsAWarning) {
  fs::create_directories(dir_ / "empty/.hidden");
  Write(dir_ / "empty/.hidden/x.txt", "hidden");
  auto ing = Make();
  ing.IngestPath(dir_ / "empty");
  EXPECT_TRUE(ing.problems().empty()) << Problems(ing);
  ASSERT_EQ(ing.warnings().size(), 1u);
  EXPECT_EQ(ing.warnings()[0].where, dir_ / "empty");
  EXPECT_TRUE(Has(ing.warnings()[0].reason, "no files to ingest")) << ing.warnings()[0].reason;
}

}  // namespace
}  // namespace longforge::producers
