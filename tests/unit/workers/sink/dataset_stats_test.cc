#include "workers/sink/dataset_stats.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

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

TEST(DatasetStats, TypeByDifficultyClosedBookAndCostByLevel) {
  TempDir dir;
  using envelope::Decision;
  using envelope::Origin;
  // Two facts accepted: one at level 1 (easy), one escalated to level 2 (medium); a
  // number the closed-book check rejected; a fact it checked and kept.
  auto easy = Sample("a", Decision::kAccept, Origin::kGenerated);
  easy.record.task.type = "fact";
  easy.record.task.level = 1;
  easy.record.usage = {2, 1000, 50, 0};
  easy.verdict.closed_book_answer = "I don't know.";
  auto medium = Sample("b", Decision::kAccept, Origin::kGenerated);
  medium.record.task.type = "fact";
  medium.record.task.level = 2;
  medium.record.usage = {40, 30000, 500, 0};
  auto known = Sample("c", Decision::kReject, Origin::kGenerated);
  known.record.task.type = "number";
  known.record.task.level = 1;
  known.record.usage = {3, 1200, 60, 0};
  known.verdict.reasons = {"answerable_without_document"};
  known.verdict.closed_book_answer = "In 1817.";
  Write(dir / "dataset.jsonl", RenderAccepted(easy, SampleFormat::kMessages, ""));
  Write(dir / "dataset.jsonl", RenderAccepted(medium, SampleFormat::kAlpaca, ""));
  Write(dir / "rejected.jsonl", RenderRejected(known));
  auto s = ReadDatasetStats(dir.str());
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->by_type_difficulty.at("fact").at("easy"), 1u);
  EXPECT_EQ(s->by_type_difficulty.at("fact").at("medium"), 1u);
  EXPECT_EQ(s->closed_book.at("fact").checked, 1u);
  EXPECT_EQ(s->closed_book.at("fact").answerable, 0u);
  EXPECT_EQ(s->closed_book.at("number").checked, 1u);
  EXPECT_EQ(s->closed_book.at("number").answerable, 1u);
  EXPECT_EQ(s->by_level.at(1).samples, 2u);
  EXPECT_EQ(s->by_level.at(1).accepted, 1u);
  EXPECT_EQ(s->by_level.at(1).prompt_tokens, 2200u);
  EXPECT_EQ(s->by_level.at(2).prompt_tokens, 30000u);
  const std::string report = FormatDatasetStats(*s);
  EXPECT_NE(report.find("  fact: 1 / 1 / 0\n"), std::string::npos) << report;
  EXPECT_NE(report.find("  number: 1 / 1 (100%)\n"), std::string::npos) << report;
  EXPECT_NE(report.find("  level 1: 1 accepted of 2, 2200 "), std::string::npos) << report;
}

TEST(DatasetStats, ReadsTheRlFormatsLikeTheOthers) {
  using envelope::Decision;
  using envelope::Origin;
  const std::string context(300, 'x');
  for (const auto format : {SampleFormat::kRlVerl, SampleFormat::kRlSwift}) {
    SCOPED_TRACE(SampleFormatName(format));
    TempDir dir;
    auto a = Sample("a", Decision::kAccept, Origin::kGenerated);
    a.record.task.type = "count";
    a.record.usage.calls = 3;
    Write(dir / "dataset.jsonl", RenderAccepted(a, format, context));
    Write(dir / "dataset.jsonl",
          RenderAccepted(Sample("b", Decision::kAccept, Origin::kSupplied), format, ""));
    Write(dir / "rejected.jsonl",
          RenderRejected(Sample("c", Decision::kReject, Origin::kSupplied)));
    auto s = ReadDatasetStats(dir.str());
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->accepted, 2u);
    EXPECT_EQ(s->rejected, 1u);
    EXPECT_EQ(s->by_type.at("count"), 1u);
    EXPECT_EQ(s->by_origin.at(Origin::kGenerated), 1u);
    EXPECT_EQ(s->llm_calls, 3u);
    // Prompts of 300 + 2 + 30 bytes (context, blank line, question) and 30; answers of 8.
    EXPECT_EQ(s->context_log2, (std::map<int, std::size_t>{{4, 1}, {8, 1}}));
    EXPECT_EQ(s->answer_log2, (std::map<int, std::size_t>{{3, 2}}));
  }
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

// --order length ------------------------------------------------------------------------

namespace fs = std::filesystem;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The order of the sort as it was when it held the whole file in memory: prompt bytes
// (whatever the format), shortest first, stable.
std::string InMemoryOrder(const std::string& text) {
  std::vector<std::pair<std::size_t, std::string>> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line);
    std::size_t prompt = 0;
    if (j.contains("messages")) {
      prompt = j["messages"][0].value("content", "").size();
    } else if (j.contains("prompt")) {
      prompt = j["prompt"][0].value("content", "").size();
    } else if (j.contains("conversations")) {
      prompt = j["conversations"][0].value("value", "").size();
    } else {
      prompt = j.value("instruction", "").size() + j.value("input", "").size();
    }
    lines.emplace_back(prompt, line);
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [prompt, line] : lines) out += line + "\n";
  return out;
}

// An accepted line in `format` whose context is `context_bytes` of filler.
std::string AcceptedLine(const std::string& id, SampleFormat format, std::size_t context_bytes) {
  return RenderAccepted(Sample(id, envelope::Decision::kAccept, envelope::Origin::kSupplied),
                        format, std::string(context_bytes, 'x'));
}

TEST(SortDatasetByLength, KeepsTheOrderOfTheInMemorySort) {
  TempDir dir;
  const std::vector<SampleFormat> formats = {SampleFormat::kMessages, SampleFormat::kShareGpt,
                                             SampleFormat::kAlpaca, SampleFormat::kRlVerl,
                                             SampleFormat::kRlSwift};
  std::string text;
  // Mixed formats, equal lengths (stability), a line with a newline escaped in it.
  const std::vector<std::size_t> contexts = {900, 5, 300, 5, 0, 900, 77, 300, 5, 1200, 0, 42};
  for (std::size_t i = 0; i < contexts.size(); ++i) {
    text += AcceptedLine("s" + std::to_string(i), formats[i % formats.size()], contexts[i]) + "\n";
  }
  text += Replace(AcceptedLine("nl", SampleFormat::kMessages, 10), "xxxx", "x\\nx") + "\n";
  // The last line without its newline is still a record, written with one.
  const std::string last = AcceptedLine("last", SampleFormat::kAlpaca, 1);
  std::ofstream(dir / "dataset.jsonl", std::ios::binary) << text << last;
  const std::string expected = InMemoryOrder(text + last);
  ASSERT_NE(expected, text + last + "\n") << "the input must need sorting";

  const auto s = SortDatasetByLength(dir.str());
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(ReadAll(dir / "dataset.jsonl"), expected);
  EXPECT_FALSE(fs::exists(dir / "dataset.jsonl.sorting"));
  // Sorting again changes nothing; an empty or absent file is fine.
  ASSERT_TRUE(SortDatasetByLength(dir.str()).ok());
  EXPECT_EQ(ReadAll(dir / "dataset.jsonl"), expected);
  TempDir empty;
  EXPECT_TRUE(SortDatasetByLength(empty.str()).ok());
  std::ofstream(empty / "dataset.jsonl");
  EXPECT_TRUE(SortDatasetByLength(empty.str()).ok());
  EXPECT_EQ(ReadAll(empty / "dataset.jsonl"), "");
}

// The data segment a process may add, from VmData in /proc/self/status, in bytes.
[[maybe_unused]] std::size_t DataSegmentBytes() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("VmData:")) return std::stoull(line.substr(7)) * 1024;
  }
  return 0;
}

TEST(SortDatasetByLength, NeedsFarLessMemoryThanTheFile) {
  TempDir dir;
  constexpr std::size_t kFileBytes = 64u << 20, kHeadroom = 24u << 20;
  {
    std::ofstream out(dir / "dataset.jsonl", std::ios::binary);
    std::size_t written = 0;
    for (std::size_t i = 0; written < kFileBytes; ++i) {
      const std::string line =
          AcceptedLine("s" + std::to_string(i), SampleFormat::kMessages, 2000 + (i * 7919) % 6000);
      out << line << "\n";
      written += line.size() + 1;
    }
  }
  const auto size = fs::file_size(dir / "dataset.jsonl");
#ifdef LONGFORGE_SANITIZED
  // AddressSanitizer maps its shadow memory and allocator regions itself, so RLIMIT_DATA
  // says nothing about the heap there: the bound is the normal build's to check; here the
  // sort is checked for what it does (and for what the sanitizers find in it).
  (void)kHeadroom;
  ASSERT_TRUE(SortDatasetByLength(dir.str()).ok());
#else
  // In a child whose heap may grow by less than half the file.
  const auto child = [&]() -> int {
    rlimit limit{};
    limit.rlim_cur = limit.rlim_max = DataSegmentBytes() + kHeadroom;
    if (::setrlimit(RLIMIT_DATA, &limit) != 0) return 3;
    return SortDatasetByLength(dir.str()).ok() ? 0 : 4;
  };
  EXPECT_EXIT(std::exit(child()), ::testing::ExitedWithCode(0), "");
#endif
  EXPECT_EQ(fs::file_size(dir / "dataset.jsonl"), size);
  std::ifstream in(dir / "dataset.jsonl");
  std::size_t previous = 0, lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    const std::size_t prompt =
        nlohmann::json::parse(line)["messages"][0]["content"].get<std::string>().size();
    ASSERT_GE(prompt, previous) << "line " << lines + 1;
    previous = prompt;
  }
  EXPECT_GT(lines, 1000u);
}

TEST(SortDatasetByLength, BadLineIsAStopErrorNamingItAndLeavesTheFile) {
  for (const std::string& bad : {std::string("not json"), std::string(R"({"messages":5})"),
                                 std::string(R"({"messages":[{"content":7},{"content":"a"}]})"),
                                 std::string(R"({"conversations":[]})"),
                                 std::string(R"({"instruction":["x"]})"), std::string("[1,2]")}) {
    SCOPED_TRACE(bad);
    TempDir dir;
    const std::string text = AcceptedLine("a", SampleFormat::kMessages, 10) + "\n" + bad + "\n" +
                             AcceptedLine("b", SampleFormat::kMessages, 1) + "\n";
    std::ofstream(dir / "dataset.jsonl", std::ios::binary) << text;
    const auto s = SortDatasetByLength(dir.str());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().disposition, Disposition::kStop);
    EXPECT_NE(s.error().message.find(dir / "dataset.jsonl:2:"), std::string::npos)
        << s.error().message;
    EXPECT_EQ(ReadAll(dir / "dataset.jsonl"), text);
    EXPECT_FALSE(fs::exists(dir / "dataset.jsonl.sorting"));
  }
}

TEST(SortDatasetByLength, WriteErrorNamesTheFileAndLeavesTheDataset) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 50; ++i) {
    text += AcceptedLine("s" + std::to_string(i), SampleFormat::kMessages, 500 - i) + "\n";
  }
  std::ofstream(dir / "dataset.jsonl", std::ios::binary) << text;
  // The temp file the sorted lines go to is on a full disk.
  fs::create_symlink("/dev/full", dir / "dataset.jsonl.sorting");
  const auto s = SortDatasetByLength(dir.str());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().disposition, Disposition::kStop);
  EXPECT_NE(s.error().message.find(dir / "dataset.jsonl.sorting"), std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find("No space left"), std::string::npos) << s.error().message;
  EXPECT_EQ(ReadAll(dir / "dataset.jsonl"), text);
  EXPECT_FALSE(fs::is_symlink(dir / "dataset.jsonl.sorting")) << "the temp file is removed";
}

}  // namespace
}  // namespace longforge::workers
