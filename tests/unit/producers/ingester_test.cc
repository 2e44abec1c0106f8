#include "producers/ingest/ingester.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "unit/producers/ingester_fixture.h"

namespace longforge::producers {
namespace {

namespace fs = std::filesystem;

TEST_F(IngesterTest, TextFileIsStoredThenPublished) {
  const std::string path = dir_ / "in/moby.txt";
  Write(path, "Call me Ishmael.\n");
  auto ing = Make();
  ing.IngestPath(path);
  ASSERT_TRUE(ing.problems().empty()) << Problems(ing);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(ing.documents(), 1u);
  const auto& e = events_[0];
  EXPECT_EQ(e.doc_id, store::DocumentIdOf("Call me Ishmael.\n"));
  EXPECT_EQ(e.title, "moby");
  EXPECT_EQ(e.source, path);
  EXPECT_EQ(e.bytes, 17u);
  EXPECT_FALSE(e.text.has_value());
  EXPECT_TRUE(e.questions.empty());
  EXPECT_FALSE(e.submitted_at.empty());
  auto stored = store_->Get(store::DocumentStore::TextKey(e.doc_id));
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(*stored, "Call me Ishmael.\n");
}

TEST_F(IngesterTest, DirectoryIsWalkedRecursivelyInOrderSkippingHiddenEntries) {
  Write(dir_ / "in/b.txt", "bravo");
  Write(dir_ / "in/a.txt", "alpha");
  Write(dir_ / "in/sub/c.txt", "charlie");
  Write(dir_ / "in/.hidden.txt", "hidden file");
  Write(dir_ / "in/.git/d.txt", "hidden directory");
  auto ing = Make();
  ing.IngestPath(dir_ / "in");
  ASSERT_TRUE(ing.problems().empty()) << Problems(ing);
  std::vector<std::string> titles;
  for (const auto& e : events_) titles.push_back(e.title);
  EXPECT_EQ(titles, (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(IngesterTest, JsonlGoodLinesBecomeDocumentsWithQuestions) {
  const std::string path = dir_ / "docs.jsonl";
  Write(
      path,
      R"({"text":"First document.","title":"one","questions":[{"question":"Q1?","answer":"A1"},{"question":"Q2?"}]})"
      "\n\n"
      R"({"text":"Second document.","id":"my id/1"})"
      "\n"
      R"({"text":"Third document.","id":42})"
      "\n");
  auto ing = Make();
  ing.IngestPath(path);
  ASSERT_TRUE(ing.problems().empty()) << Problems(ing);
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(events_[0].title, "one");
  EXPECT_EQ(events_[0].source, path + ":1");
  ASSERT_EQ(events_[0].questions.size(), 2u);
  EXPECT_EQ(events_[0].questions[0].question, "Q1?");
  EXPECT_EQ(events_[0].questions[0].answer, "A1");
  EXPECT_FALSE(events_[0].questions[1].answer.has_value());
  EXPECT_EQ(events_[0].doc_id, store::DocumentIdOf("First document."));
  EXPECT_EQ(events_[1].source, path + ":3");  // blank line 2 skipped, still counted
  // A given id is made store-safe, with a hash of it so that it cannot become another's.
  EXPECT_EQ(events_[1].doc_id, store::DocumentIdFrom("my id/1"));
  EXPECT_TRUE(events_[1].doc_id.starts_with("my_id_1-")) << events_[1].doc_id;
  EXPECT_EQ(events_[2].doc_id, "42");
  for (const auto& e : events_) {
    EXPECT_TRUE(store_->Contains(store::DocumentStore::TextKey(e.doc_id))) << e.doc_id;
  }
}

TEST_F(IngesterTest, JsonlBadLinesAreProblemsNamingFileAndLine) {
  const std::string path = dir_ / "bad.jsonl";
  Write(path,
        "not json\n"  // 1
        R"({"title":"no text"})"
        "\n"  // 2
        R"({"text":"t","questions":"Q?"})"
        "\n"  // 3
        R"({"text":"t","questions":[{"question":"Q","answer":7}]})"
        "\n"  // 4
        R"(["an array"])"
        "\n"  // 5
        R"({"text":"t","questions":[{"answer":"A"}]})"
        "\n"  // 6
        R"({"text":"t","id":[1]})"
        "\n"  // 7
        R"({"text":"good line"})"
        "\n");  // 8
  auto ing = Make();
  ing.IngestPath(path);
  ASSERT_EQ(events_.size(), 1u) << Problems(ing);
  EXPECT_EQ(events_[0].source, path + ":8");
  const auto& p = ing.problems();
  ASSERT_EQ(p.size(), 7u) << Problems(ing);
  for (std::size_t i = 0; i < p.size(); ++i) {
    EXPECT_EQ(p[i].where, path + ":" + std::to_string(i + 1));
  }
  EXPECT_NE(p[0].reason.find("not valid JSON"), std::string::npos) << p[0].reason;
  EXPECT_NE(p[1].reason.find("\"text\""), std::string::npos) << p[1].reason;
  EXPECT_NE(p[2].reason.find("\"questions\" must be an array"), std::string::npos) << p[2].reason;
  EXPECT_NE(p[3].reason.find("questions[0]: \"answer\" must be a string"), std::string::npos)
      << p[3].reason;
  EXPECT_NE(p[4].reason.find("object"), std::string::npos) << p[4].reason;
  EXPECT_NE(p[5].reason.find("questions[0]"), std::string::npos) << p[5].reason;
  EXPECT_NE(p[6].reason.find("\"id\""), std::string::npos) << p[6].reason;
}

TEST_F(IngesterTest, BinaryFileIsAProblem) {
  const std::string path = dir_ / "image.png";
  Write(path, std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  auto ing = Make();
  ing.IngestPath(path);
  EXPECT_TRUE(events_.empty());
  ASSERT_EQ(ing.problems().size(), 1u);
  EXPECT_EQ(ing.problems()[0].where, path);
  EXPECT_NE(ing.problems()[0].reason.find("NUL byte at offset 8"), std::string::npos)
      << ing.problems()[0].reason;
}

TEST_F(IngesterTest, InvalidUtf8FileIsAProblemNamingTheOffset) {
  const std::string path = dir_ / "latin1.txt";
  Write(path, "caf\xE9 au lait");
  auto ing = Make();
  ing.IngestPath(path);
  EXPECT_TRUE(events_.empty());
  ASSERT_EQ(ing.problems().size(), 1u);
  EXPECT_EQ(ing.problems()[0].where, path);
  EXPECT_NE(ing.problems()[0].reason.find("invalid UTF-8 at byte offset 3"), std::string::npos)
      << ing.problems()[0].reason;
}

TEST_F(IngesterTest, MissingAndUnreadablePathsAreProblems) {
  auto ing = Make();
  ing.IngestPath(dir_ / "does-not-exist.txt");
  ASSERT_EQ(ing.problems().size(), 1u);
  EXPECT_EQ(ing.problems()[0].where, dir_ / "does-not-exist.txt");

  // A FIFO cannot be read as a file, even by root (who ignores permission bits).
  const std::string fifo = dir_ / "pipe.txt";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ing.IngestPath(fifo);
  ASSERT_EQ(ing.problems().size(), 2u);
  EXPECT_EQ(ing.problems()[1].where, fifo);

  const std::string locked = dir_ / "locked.txt";
  Write(locked, "secret");
  fs::permissions(locked, fs::perms::none);
  ing.IngestPath(locked);
  if (::geteuid() != 0) {
    ASSERT_EQ(ing.problems().size(), 3u);
    EXPECT_EQ(ing.problems().back().where, locked);
    EXPECT_NE(ing.problems().back().reason.find("cannot open"), std::string::npos);
  }
  // The other inputs still go through.
  Write(dir_ / "fine.txt", "fine");
  ing.IngestPath(dir_ / "fine.txt");
  ASSERT_FALSE(events_.empty());
  EXPECT_EQ(events_.back().title, "fine");
}

TEST_F(IngesterTest, DocumentOverTheSizeLimitIsAProblem) {
  IngestOptions options;
  options.max_document_bytes = 10;
  auto ing = Make(options);
  Write(dir_ / "big.txt", std::string(11, 'a'));
  Write(dir_ / "big.jsonl", R"({"text":"01234567890"})"
                            "\n"
                            R"({"text":"short"})"
                            "\n");
  Write(dir_ / "exact.txt", std::string(10, 'b'));
  ing.IngestPath(dir_ / "big.txt");
  ing.IngestPath(dir_ / "big.jsonl");
  ing.IngestPath(dir_ / "exact.txt");
  ASSERT_EQ(ing.problems().size(), 2u) << Problems(ing);
  EXPECT_EQ(ing.problems()[0].where, dir_ / "big.txt");
  EXPECT_NE(ing.problems()[0].reason.find("over the limit"), std::string::npos);
  EXPECT_EQ(ing.problems()[1].where, dir_ / "big.jsonl" + ":1");
  EXPECT_NE(ing.problems()[1].reason.find("over the limit"), std::string::npos)
      << ing.problems()[1].reason;
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[0].bytes, 5u);
  EXPECT_EQ(events_[1].bytes, 10u);
}

TEST_F(IngesterTest, IdsAreStableAcrossReingestAndSources) {
  Write(dir_ / "a.txt", "Same text, e\xCC\x81 decomposed.");
  Write(dir_ / "b.jsonl", R"({"text":"Same text, )"
                          "\xC3\xA9"
                          R"( decomposed."})"
                          "\n");
  auto first = Make();
  first.IngestPath(dir_ / "a.txt");
  auto second = Make();
  second.IngestPath(dir_ / "a.txt");
  second.IngestPath(dir_ / "b.jsonl");
  ASSERT_EQ(events_.size(), 3u) << Problems(second);
  EXPECT_EQ(events_[0].doc_id, events_[1].doc_id);
  EXPECT_EQ(events_[0].doc_id, events_[2].doc_id);  // NFC makes the variants one document
}

// Two different given ids that used to be sanitised to one ("a/b" and "a_b") stay two
// documents, each with its own text.
TEST_F(IngesterTest, GivenIdsThatLookAlikeStayDistinctDocuments) {
  const std::string path = dir_ / "ids.jsonl";
  Write(path, R"({"id":"a/b","text":"The first text."})"
              "\n"
              R"({"id":"a_b","text":"The second text."})"
              "\n");
  auto ing = Make();
  ing.IngestPath(path);
  ASSERT_TRUE(ing.problems().empty()) << Problems(ing);
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_NE(events_[0].doc_id, events_[1].doc_id);
  EXPECT_EQ(events_[1].doc_id, "a_b");
  EXPECT_EQ(store_->Get(store::DocumentStore::TextKey(events_[0].doc_id)).value(),
            "The first text.");
  EXPECT_EQ(store_->Get(store::DocumentStore::TextKey(events_[1].doc_id)).value(),
            "The second text.");
}

// The same given id with another text is rejected, naming both sources; the same text
// again is an idempotent re-ingest.
TEST_F(IngesterTest, AGivenIdReusedForAnotherTextIsAProblemNamingBothSources) {
  const std::string path = dir_ / "dup.jsonl";
  Write(path, R"({"id":"law-7","text":"Article one."})"
              "\n"
              R"({"id":"law-7","text":"Article one."})"
              "\n"
              R"({"id":"law-7","text":"Article two."})"
              "\n");
  auto ing = Make();
  ing.IngestPath(path);
  ASSERT_EQ(events_.size(), 2u) << Problems(ing);
  ASSERT_EQ(ing.problems().size(), 1u);
  EXPECT_EQ(ing.problems()[0].where, path + ":3");
  EXPECT_NE(ing.problems()[0].reason.find("\"law-7\" already names a different text"),
            std::string::npos)
      << Problems(ing);
  EXPECT_NE(ing.problems()[0].reason.find("first submitted from " + path + ":1"), std::string::npos)
      << Problems(ing);
}

TEST_F(IngesterTest, StreamIsOneDocumentOrJsonl) {
  auto ing = Make();
  std::istringstream text("a whole document\nwith lines\n");
  ing.IngestStream(text, "stdin", false);
  std::istringstream jsonl(R"({"text":"one"})"
                           "\n"
                           R"({"text":"two"})"
                           "\n");
  ing.IngestStream(jsonl, "stdin", true);
  ASSERT_TRUE(ing.problems().empty()) << Problems(ing);
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(events_[0].source, "stdin");
  EXPECT_EQ(events_[0].bytes, 28u);
  EXPECT_EQ(events_[1].source, "stdin:1");
  EXPECT_EQ(events_[2].source, "stdin:2");
}

TEST(IngestOptions, ValidateRejectsZeroLimit) {
  IngestOptions o;
  EXPECT_TRUE(o.Validate().empty());
  o.max_document_bytes = 0;
  EXPECT_EQ(o.Validate().size(), 1u);
}

}  // namespace
}  // namespace longforge::producers
