// The sink with --context window and --length-buckets: one record per window size and
// depth, skipped windows with their reason, one file per bucket, effectively-once by
// record id, and what `stats` reads of it.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "longforge/kafka/topics.h"
#include "support/temp_store.h"
#include "unit/envelope/schema_check.h"
#include "workers/sink/dataset_stats.h"
#include "workers/sink/sink_worker.h"

namespace longforge::workers {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// 600 numbered lines; the estimator counts each at about 20 tokens.
std::string Document() {
  std::ostringstream text;
  for (int i = 0; i < 600; ++i) {
    text << "Line " << i << " tells of the river, the mill and the road to town.\n";
  }
  return text.str();
}

const std::string kDoc = Document();
const std::string kQuote = "Line 300 tells of the river, the mill and the road to town.";

envelope::SampleRecord Sample(const std::string& id, const std::string& quote) {
  envelope::SampleRecord s;
  s.sample_id = id;
  s.record.task.task_id = "task-" + id;
  s.record.task.doc_id = "doc";
  s.record.task.question = "What does line " + id + " tell of?";
  s.record.task.reference = "the river";
  s.record.answer = "The river.";
  const std::size_t at = kDoc.find(quote);
  // Retrieval's passages: the quoted one and one far away that only shares words.
  s.record.evidence = {{at, at + quote.size()}, {10, 70}};
  s.record.quotes = {quote};
  s.record.backend = "extractive (no LLM)";
  s.verdict.decision = envelope::Decision::kAccept;
  return s;
}

std::vector<json> Records(const std::string& path) {
  std::ifstream in(path);
  std::vector<json> out;
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

class SinkWindowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_->Put(store::DocumentStore::TextKey("doc"), kDoc).ok());
  }

  std::unique_ptr<SinkWorker> Open() {
    auto sink = SinkWorker::Open(options_, *store_, nullptr, estimator_.get());
    EXPECT_TRUE(sink.ok()) << sink.error().message;
    return sink.ok() ? std::move(sink.value()) : nullptr;
  }

  void Feed(SinkWorker& sink, const envelope::SampleRecord& s) {
    sink.Handle({kafka::kDataset, 0, 0, s.sample_id, envelope::Encode(s, "lf.dataset/v1")},
                [this](Result<kafka::Outputs> r) { results_.push_back(r.ok()); });
  }

  TempDir dir_;
  std::string out_ = dir_ / "out";
  std::unique_ptr<store::DocumentStore> store_ = OpenTempStore(dir_);
  std::unique_ptr<text::TokenCounter> estimator_ = text::MakeEstimator();
  SinkOptions options_ = [this] {
    SinkOptions o;
    o.out_dir = out_;
    o.context = SinkContext::kWindow;
    o.window.tokens = 1000;
    o.window.depths = {0, 0.5, 1};
    o.window.tolerance_tokens = 40;
    return o;
  }();
  std::vector<bool> results_;
};

TEST_F(SinkWindowsTest, OneRecordPerDepthEachAWindowOfExactlyNTokensHoldingTheQuote) {
  auto sink = Open();
  ASSERT_TRUE(sink);
  Feed(*sink, Sample("a", kQuote));
  sink->Tick();
  ASSERT_EQ(results_, std::vector<bool>{true});
  const auto records = Records(out_ + "/dataset.jsonl");
  ASSERT_EQ(records.size(), 3u);
  const std::size_t quote_at = kDoc.find(kQuote);
  const std::vector<double> depths = {0, 0.5, 1};
  const std::vector<std::string> labels = {"0", "0.5", "1"};
  for (std::size_t i = 0; i < records.size(); ++i) {
    const json& r = records[i];
    const json& m = r["meta"];
    const json& w = m["window"];
    const double depth = depths[i];
    EXPECT_EQ(m["sample_id"], "a");
    EXPECT_EQ(m["record_id"], "a/w1000@" + labels[i]);
    EXPECT_EQ(m["doc_bytes"], kDoc.size());
    EXPECT_EQ(w["depth"], depth);
    EXPECT_EQ(w["tokens"], 1000);
    const std::size_t begin = w["begin"], end = w["end"];
    const std::string window = kDoc.substr(begin, end - begin);
    // The prompt is the window, then the question; exactly N tokens of the document,
    // with the quoted passage (not the far retrieval hit) inside at the depth asked.
    EXPECT_EQ(r["messages"][0]["content"], window + "\n\nWhat does line a tell of?");
    EXPECT_EQ(estimator_->Count(window), 1000u);
    EXPECT_LE(begin, quote_at);
    EXPECT_GE(end, quote_at + kQuote.size());
    const std::size_t before = estimator_->Count(kDoc.substr(begin, quote_at - begin));
    EXPECT_EQ(w["tokens_before"], before);
    const double free = 1000.0 - w["evidence_tokens"].get<double>();
    EXPECT_LE(std::abs(static_cast<double>(before) - depth * free), 40.0) << "depth " << depth;
    EXPECT_NEAR(w["evidence_depth"].get<double>(), before / free, 1e-4);
  }
}

TEST_F(SinkWindowsTest, WhatCannotBeCutGoesToSkippedWithItsReasonAndCountsInStats) {
  auto sink = Open();
  ASSERT_TRUE(sink);
  // The first line opens the document: it can open a window, never close one.
  Feed(*sink, Sample("early", "Line 0 tells of the river, the mill and the road to town."));
  Feed(*sink, Sample("mid", kQuote));
  sink->Tick();
  const auto skipped = Records(out_ + "/skipped.jsonl");
  ASSERT_EQ(skipped.size(), 2u);
  for (const json& s : skipped) {
    EXPECT_EQ(s["meta"]["sample_id"], "early");
    EXPECT_EQ(s["meta"]["reason"], "depth_unreachable");
    EXPECT_NE(s["meta"]["detail"].get<std::string>().find("at best"), std::string::npos);
  }
  EXPECT_EQ(skipped[0]["meta"]["depth"], 0.5);
  EXPECT_EQ(skipped[1]["meta"]["record_id"], "early/w1000@1");
  EXPECT_EQ(Records(out_ + "/dataset.jsonl").size(), 4u);

  auto stats = ReadDatasetStats(out_);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->accepted, 4u);
  EXPECT_EQ(stats->skipped, (std::map<std::string, std::size_t>{{"depth_unreachable", 2}}));
  // Depths 0 (twice), 0.5 and 1, by tenth (0.5 within the tolerance: the fifth or sixth).
  auto depths = stats->evidence_depth;
  EXPECT_EQ(depths[0], 2u);
  EXPECT_EQ(depths[4] + depths[5], 1u);
  EXPECT_EQ(depths[9], 1u);
  const std::string report = FormatDatasetStats(*stats);
  EXPECT_NE(report.find("evidence depth in the context of accepted samples"), std::string::npos);
  EXPECT_NE(report.find("depth_unreachable: 2"), std::string::npos) << report;
}

TEST_F(SinkWindowsTest, ARedeliveryWritesOnlyTheWindowsNotYetOnDisk) {
  {
    auto sink = Open();
    ASSERT_TRUE(sink);
    Feed(*sink, Sample("a", kQuote));
    sink->Tick();
  }
  // A crash between a sample's windows: its last line never reached the disk.
  auto lines = Records(out_ + "/dataset.jsonl");
  ASSERT_EQ(lines.size(), 3u);
  {
    std::ofstream out(out_ + "/dataset.jsonl", std::ios::trunc);
    for (std::size_t i = 0; i < 2; ++i) out << lines[i].dump() << "\n";
  }
  auto sink = Open();
  ASSERT_TRUE(sink);
  Feed(*sink, Sample("a", kQuote));
  sink->Tick();
  EXPECT_EQ(sink->duplicates(), 0u);
  const auto after = Records(out_ + "/dataset.jsonl");
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[2]["meta"]["record_id"], "a/w1000@1");
  // Once all are there, the sample is a duplicate.
  Feed(*sink, Sample("a", kQuote));
  EXPECT_EQ(sink->duplicates(), 1u);
  EXPECT_EQ(Records(out_ + "/dataset.jsonl").size(), 3u);
}

TEST_F(SinkWindowsTest, LengthBucketsAreWindowSizesOneFileEach) {
  options_.window.tokens = 0;
  options_.length_buckets = {500, 2000};
  auto sink = Open();
  ASSERT_TRUE(sink);
  Feed(*sink, Sample("a", kQuote));
  sink->Tick();
  EXPECT_FALSE(fs::exists(out_ + "/dataset.jsonl"));
  for (const auto& [file, tokens] :
       {std::pair{"dataset-500.jsonl", 500}, {"dataset-2000.jsonl", 2000}}) {
    const auto records = Records(out_ + "/" + file);
    ASSERT_EQ(records.size(), 3u) << file;
    for (const json& r : records) {
      EXPECT_EQ(r["meta"]["window"]["tokens"], tokens);
      EXPECT_EQ(r["meta"]["length_bucket"], std::to_string(tokens));
      const std::size_t begin = r["meta"]["window"]["begin"], end = r["meta"]["window"]["end"];
      EXPECT_EQ(estimator_->Count(kDoc.substr(begin, end - begin)), std::size_t(tokens));
    }
  }
  auto stats = ReadDatasetStats(out_);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->by_bucket, (std::map<std::string, std::size_t>{{"500", 3}, {"2000", 3}}));
  // --order length sorts every bucket's file.
  EXPECT_TRUE(SortDatasetByLength(out_).ok());
  EXPECT_EQ(Records(out_ + "/dataset-500.jsonl").size(), 3u);
}

TEST_F(SinkWindowsTest, WholeDocumentsGoToTheSmallestBucketTheyFitOrPastTheLargest) {
  options_.context = SinkContext::kFull;
  options_.window.tokens = 0;
  options_.length_buckets = {1024, 32768};
  ASSERT_TRUE(store_->Put(store::DocumentStore::TextKey("short"), "A short text.").ok());
  {
    auto sink = Open();
    ASSERT_TRUE(sink);
    auto s = Sample("short", "A short text.");
    s.record.task.doc_id = "short";
    s.record.evidence = {{0, 13}};
    Feed(*sink, s);
    Feed(*sink, Sample("long", kQuote));  // 12,000 tokens or so
    sink->Tick();
  }
  const auto small = Records(out_ + "/dataset-1k.jsonl");
  ASSERT_EQ(small.size(), 1u);
  EXPECT_EQ(small[0]["meta"]["length_bucket"], "1k");
  EXPECT_EQ(Records(out_ + "/dataset-32k.jsonl").size(), 1u);
  EXPECT_TRUE(Records(out_ + "/dataset-over-32k.jsonl").empty());
  // Reopening finds the samples in whichever file holds them.
  auto sink = Open();
  ASSERT_TRUE(sink);
  Feed(*sink, Sample("long", kQuote));
  EXPECT_EQ(sink->duplicates(), 1u);
}

TEST_F(SinkWindowsTest, WindowRecordsAndSkippedOnesValidate) {
  if (auto why = schema_check::ValidatorUnavailable()) GTEST_FAIL() << *why;
  for (const auto format : {SampleFormat::kMessages, SampleFormat::kRlVerl}) {
    fs::remove_all(out_);
    options_.format = format;
    {
      auto sink = Open();
      ASSERT_TRUE(sink);
      Feed(*sink, Sample("a", kQuote));
      sink->Tick();
    }
    const auto run = schema_check::RunValidator(out_ + "/dataset.jsonl", SampleFormatName(format));
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("3 lines validated, 0 failed"), std::string::npos) << run.output;
  }
}

TEST(SinkOptions, WindowOptionsThatCannotWorkTogetherAreNamed) {
  SinkOptions o;
  o.out_dir = "out";
  o.context = SinkContext::kWindow;
  ASSERT_EQ(o.Validate().size(), 1u);
  EXPECT_NE(o.Validate()[0].find("--window-tokens"), std::string::npos);
  o.window.tokens = 100;
  EXPECT_TRUE(o.Validate().empty());
  o.length_buckets = {100, 200};
  EXPECT_NE(o.Validate().at(0).find("not both"), std::string::npos);
  o.length_buckets.clear();
  o.window.depths.clear();
  EXPECT_NE(o.Validate().at(0).find("--depths"), std::string::npos);
  o.context = SinkContext::kFull;
  o.window.depths = {0.5};
  EXPECT_NE(o.Validate().at(0).find("needs --context window"), std::string::npos);
}

}  // namespace
}  // namespace longforge::workers
