#include "review/final_dataset.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "longforge/kafka/topics.h"
#include "review_fixture.h"
#include "workers/sink/sink_worker.h"

namespace longforge::review {
namespace {

using nlohmann::json;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<json> JsonLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<json> out;
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

struct Opened {
  std::unique_ptr<SampleIndex> index;
  std::unique_ptr<DecisionLog> log;
};

Opened Open(const ReviewFixture& f) {
  std::vector<std::string> warnings;
  return {std::move(SampleIndex::Build(f.dir, f.store.get(), warnings).value()),
          std::move(DecisionLog::Open(f.dir, true).value())};
}

TEST(FinalDataset, WithoutDecisionsIsTheSinksDatasetByteForByteInEveryFormat) {
  for (const auto format : {workers::SampleFormat::kMessages, workers::SampleFormat::kShareGpt,
                            workers::SampleFormat::kAlpaca, workers::SampleFormat::kRlVerl,
                            workers::SampleFormat::kRlSwift}) {
    ReviewFixture f(3, format);
    auto o = Open(f);
    auto done = WriteFinal(*o.index, *o.log, f.store.get(), {f.tmp / "final", {}, {}});
    ASSERT_TRUE(done.ok()) << done.error().message;
    EXPECT_EQ(done->format, format);
    EXPECT_EQ(done->written, 3u);
    EXPECT_EQ(Slurp(done->path), Slurp(f.dir + "/dataset.jsonl"))
        << workers::SampleFormatName(format);
  }
}

TEST(FinalDataset, AppliesAcceptEditAndRejectDecisions) {
  ReviewFixture f;
  auto o = Open(f);
  const auto decide = [&](const std::string& id, HumanDecision d, std::string answer,
                          std::string reason) {
    DecisionRecord r{id, d, std::move(answer), std::move(reason), "ada", ""};
    ASSERT_TRUE(o.log->Record(r).ok());
  };
  decide("s0", HumanDecision::kReject, "", "wrong");
  decide("s1", HumanDecision::kAccept, "", "");
  decide("s1", HumanDecision::kEdit, "A better answer.", "");   // the latest wins
  decide("s4", HumanDecision::kAccept, "", "checked by hand");  // a review sample
  auto done = WriteFinal(*o.index, *o.log, f.store.get(), {f.tmp / "final", {}, {}});
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->written, 3u);
  EXPECT_EQ(done->edited, 1u);
  EXPECT_EQ(done->human_accepted, 1u);
  EXPECT_EQ(done->human_rejected, 1u);
  const auto lines = JsonLines(done->path);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["meta"]["sample_id"], "s1");
  EXPECT_EQ(lines[0]["messages"][1]["content"], "A better answer.");
  EXPECT_EQ(lines[0]["meta"]["human"]["decision"], "edit");
  EXPECT_EQ(lines[0]["meta"]["human"]["original_answer"],
            FixtureSample(1, envelope::Decision::kAccept).record.answer);
  EXPECT_EQ(lines[1]["meta"]["sample_id"], "s2");
  EXPECT_FALSE(lines[1]["meta"].contains("human"));
  // The review sample, accepted by a person, gets the full context the dataset carries.
  EXPECT_EQ(lines[2]["meta"]["sample_id"], "s4");
  EXPECT_EQ(lines[2]["meta"]["decision"], "accept");
  EXPECT_EQ(lines[2]["meta"]["human"]["reason"], "checked by hand");
  EXPECT_EQ(
      lines[2]["messages"][0]["content"],
      DocumentText() + "\n\n" + FixtureSample(4, envelope::Decision::kAccept).record.task.question);
}

TEST(FinalDataset, WritesAnotherFormatAndEvidenceContext) {
  ReviewFixture f;
  auto o = Open(f);
  ASSERT_TRUE(o.log->Record({"s4", HumanDecision::kAccept, "", "", "ada", ""}).ok());
  auto done = WriteFinal(
      *o.index, *o.log, f.store.get(),
      {f.tmp / "final", workers::SampleFormat::kAlpaca, workers::SinkContext::kEvidence});
  ASSERT_TRUE(done.ok()) << done.error().message;
  const auto lines = JsonLines(done->path);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["instruction"],
            FixtureSample(0, envelope::Decision::kAccept).record.task.question);
  EXPECT_EQ(lines[0]["input"], DocumentText());   // accepted lines keep their context
  EXPECT_EQ(lines[3]["input"], Paragraphs()[4]);  // the review sample's evidence
}

// --context window: each window is a record of its own in the index and in decisions,
// and --write-final keeps every window's meta (the sink's own directory, written by the
// sink).
TEST(FinalDataset, EachContextWindowIsDecidedOnByItselfAndKeepsItsWindow) {
  TempDir tmp;
  auto store = std::move(store::DocumentStore::Open(tmp / "store").value());
  std::string text;
  for (int i = 0; i < 300; ++i) text += "Line " + std::to_string(i) + " of the long story.\n";
  ASSERT_TRUE(store->Put(store::DocumentStore::TextKey("doc"), text).ok());
  workers::SinkOptions options;
  options.out_dir = tmp / "out";
  options.context = workers::SinkContext::kWindow;
  options.window.tokens = 200;
  options.window.depths = {0, 1};
  options.window.tolerance_tokens = 40;
  {
    auto sink = workers::SinkWorker::Open(options, *store).value();
    for (const std::string id : {"a", "b"}) {
      envelope::SampleRecord s;
      s.sample_id = id;
      s.record.task.doc_id = "doc";
      s.record.task.question = "Question " + id + "?";
      s.record.answer = "Answer " + id + ".";
      const std::string quote = "Line 150 of the long story.";
      const std::size_t at = text.find(quote);
      s.record.evidence = {{at, at + quote.size()}};
      s.record.quotes = {quote};
      s.verdict.decision = envelope::Decision::kAccept;
      sink->Handle({kafka::kDataset, 0, 0, id, envelope::Encode(s, "lf.dataset/v1")},
                   [](Result<kafka::Outputs>) {});
    }
    sink->Tick();
  }
  std::vector<std::string> warnings;
  auto index = SampleIndex::Build(tmp / "out", store.get(), warnings);
  ASSERT_TRUE(index.ok()) << index.error().message;
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  ASSERT_EQ((*index)->size(), 4u);
  ASSERT_TRUE((*index)->Find("a/w200@1"));
  auto log = std::move(DecisionLog::Open(tmp / "out", true).value());
  ASSERT_TRUE(log->Record({"a/w200@1", HumanDecision::kReject, "", "cut badly", "ada", ""}).ok());
  auto done = WriteFinal(**index, *log, store.get(), {tmp / "final", {}, {}});
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->written, 3u);
  EXPECT_EQ(done->human_rejected, 1u);
  // The windows nobody decided on are the sink's lines, byte for byte.
  std::ifstream in(tmp / "out/dataset.jsonl");
  std::vector<std::string> kept;
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"a/w200@1\"") == std::string::npos) kept.push_back(line);
  }
  std::ifstream final_in(done->path);
  std::vector<std::string> written;
  for (std::string line; std::getline(final_in, line);) written.push_back(line);
  EXPECT_EQ(written, kept);
  EXPECT_EQ(json::parse(written.at(0))["meta"]["window"]["tokens"], 200);
}

TEST(FinalDataset, NeverWritesIntoTheDirectoryUnderReview) {
  ReviewFixture f;
  auto o = Open(f);
  auto done = WriteFinal(*o.index, *o.log, f.store.get(), {f.dir, {}, {}});
  ASSERT_FALSE(done.ok());
  EXPECT_NE(done.error().message.find("is the directory under review"), std::string::npos);
  auto no_store = WriteFinal(*o.index, *o.log, nullptr, {f.tmp / "final", {}, {}});
  ASSERT_TRUE(no_store.ok());  // accepted lines carry their context
  ASSERT_TRUE(o.log->Record({"s4", HumanDecision::kAccept, "", "", "ada", ""}).ok());
  no_store = WriteFinal(*o.index, *o.log, nullptr, {f.tmp / "final", {}, {}});
  ASSERT_FALSE(no_store.ok());
  EXPECT_NE(no_store.error().message.find("rejected.jsonl:2: sample s4"), std::string::npos)
      << no_store.error().message;
  EXPECT_NE(no_store.error().message.find("--store"), std::string::npos);
}

}  // namespace
}  // namespace longforge::review
