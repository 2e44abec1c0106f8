#include "workers/sink/dataset_stats.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "support/temp_dir.h"
#include "workers/sink/sample_format.h"

namespace longforge::workers {
namespace {

envelope::SampleRecord Sample(const std::string& id, envelope::Decision decision,
                              envelope::Origin origin) {
  envelope::SampleRecord s;
  s.sample_id = id;
  s.record.task.task_id = "task-" + id;
  s.record.task.doc_id = "doc";
  s.record.task.question = "When was the bicycle invented?";
  s.record.task.origin = origin;
  s.record.answer = "In 1817.";
  s.verdict.decision = decision;
  if (decision != envelope::Decision::kAccept) s.verdict.reasons = {"no_evidence"};
  return s;
}

void Write(const std::string& path, const std::string& line) {
  std::ofstream(path, std::ios::app) << line << "\n";
}

// Replaces the first `from` in `line` by `to`.
std::string Replace(std::string line, const std::string& from, const std::string& to) {
  const auto at = line.find(from);
  EXPECT_NE(at, std::string::npos) << from << " not in " << line;
  if (at != std::string::npos) line.replace(at, from.size(), to);
  return line;
}

TEST(DatasetStats, CountsDecisionsAndOriginsAsTheSinkWroteThem) {
  TempDir dir;
  using envelope::Decision;
  using envelope::Origin;
  Write(dir / "dataset.jsonl", RenderAccepted(Sample("a", Decision::kAccept, Origin::kGenerated),
                                              SampleFormat::kMessages, ""));
  Write(dir / "dataset.jsonl", RenderAccepted(Sample("b", Decision::kAccept, Origin::kSupplied),
                                              SampleFormat::kMessages, ""));
  Write(dir / "rejected.jsonl", RenderRejected(Sample("c", Decision::kReject, Origin::kSupplied)));
  Write(dir / "rejected.jsonl", RenderRejected(Sample("d", Decision::kReview, Origin::kSupplied)));
  auto s = ReadDatasetStats(dir.str());
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->accepted, 2u);
  EXPECT_EQ(s->rejected, 1u);
  EXPECT_EQ(s->review, 1u);
  EXPECT_EQ(s->by_origin.at(Origin::kGenerated), 1u);
  EXPECT_EQ(s->by_origin.at(Origin::kSupplied), 1u);
  EXPECT_EQ(s->by_reason.at("no_evidence"), 2u);
  const std::string report = FormatDatasetStats(*s);
  EXPECT_NE(report.find("  generated: 1\n"), std::string::npos) << report;
}

TEST(DatasetStats, CountsUnreadChunksByWhy) {
  TempDir dir;
  using envelope::Decision;
  using envelope::Origin;
  auto whole = Sample("a", Decision::kAccept, Origin::kSupplied);
  whole.record.chunks_total = 200;
  auto half_read = Sample("b", Decision::kReject, Origin::kSupplied);
  half_read.verdict.reasons = {"incomplete_reading"};
  half_read.record.chunks_total = 219;
  half_read.record.chunks_lost = 60;
  half_read.record.chunks_failed = 5;
  half_read.record.chunks_malformed = 2;
  Write(dir / "dataset.jsonl", RenderAccepted(whole, SampleFormat::kMessages, ""));
  Write(dir / "rejected.jsonl", RenderRejected(half_read));
  auto s = ReadDatasetStats(dir.str());
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->reading.unread(), 67u);
  EXPECT_EQ(s->reading.incomplete, 1u);
  EXPECT_EQ(s->by_reason.at("incomplete_reading"), 1u);
  const std::string report = FormatDatasetStats(*s);
  EXPECT_NE(report.find("unread chunks: 67 of 419 chunks (lost 60, failed 5, malformed 2), in 1 "
                        "of 2 records\n"),
            std::string::npos)
      << report;
}

TEST(DatasetStats, UnknownDecisionOrOriginNamesTheLine) {
  TempDir dir;
  using envelope::Decision;
  using envelope::Origin;
  const std::string rejected = RenderRejected(Sample("c", Decision::kReject, Origin::kSupplied));
  Write(dir / "rejected.jsonl", rejected);
  Write(dir / "rejected.jsonl", Replace(rejected, "\"reject\"", "\"maybe\""));
  auto s = ReadDatasetStats(dir.str());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("rejected.jsonl:2: unknown decision \"maybe\""),
            std::string::npos)
      << s.error().message;

  TempDir other;
  Write(other / "dataset.jsonl",
        Replace(RenderAccepted(Sample("a", Decision::kAccept, Origin::kSupplied),
                               SampleFormat::kAlpaca, ""),
                "\"supplied\"", "\"imported\""));
  auto t = ReadDatasetStats(other.str());
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("dataset.jsonl:1: unknown origin \"imported\""),
            std::string::npos)
      << t.error().message;
}

}  // namespace
}  // namespace longforge::workers
