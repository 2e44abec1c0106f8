#include "workers/sink/sink_worker.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdio>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "longforge/kafka/topics.h"
#include "support/metrics_text.h"
#include "support/temp_store.h"
#include "unit/envelope/schema_check.h"

namespace longforge::workers {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kDocText = "The bicycle was invented in 1817. It had no pedals.";

envelope::SampleRecord Sample(const std::string& id, envelope::Decision decision) {
  envelope::SampleRecord s;
  s.sample_id = id;
  s.record.task.task_id = "task-" + id;
  s.record.task.doc_id = "doc";
  s.record.task.question = "When was the bicycle invented?";
  s.record.task.reference = "1817";
  s.record.answer = "In 1817.";
  s.record.evidence = {{0, 33}};
  s.record.quotes = {"The bicycle was invented in 1817."};
  s.record.chunks_total = 1;
  s.record.chunks_relevant = 1;
  s.record.backend = "extractive (no LLM)";
  s.verdict.decision = decision;
  if (decision != envelope::Decision::kAccept) s.verdict.reasons = {"no_evidence"};
  return s;
}

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class SinkWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_->Put(store::DocumentStore::TextKey("doc"), kDocText).ok());
  }

  // `device`, when set, receives every append instead of the files (the files are still
  // created and read): /dev/full fails writes and flushes, /dev/null fails fsync.
  std::unique_ptr<SinkWorker> Open(SinkContext context = SinkContext::kFull,
                                   const std::string& device = "", SinkProbe* probe = nullptr) {
    SinkOptions options;
    options.out_dir = out_;
    options.context = context;
    options.format = format_;
    if (!device.empty()) {
      options.open_for_append = [device](const std::string&) {
        return std::fopen(device.c_str(), "ab");
      };
    }
    options.on_record = [this](const envelope::SampleRecord& s) {
      recorded_.push_back(s.sample_id);
    };
    auto sink = SinkWorker::Open(options, *store_, probe);
    EXPECT_TRUE(sink.ok()) << sink.error().message;
    return sink.ok() ? std::move(sink.value()) : nullptr;
  }

  // Hands one message to the sink; returns the slot its Done fills.
  std::size_t Feed(SinkWorker& sink, const envelope::SampleRecord& s, bool accepted) {
    const std::size_t i = done_.size();
    done_.emplace_back();
    sink.Handle({accepted ? kafka::kDataset : kafka::kRejected, 0, static_cast<int64_t>(i),
                 s.sample_id, envelope::Encode(s, accepted ? "lf.dataset/v1" : "lf.rejected/v1")},
                [this, i](Result<kafka::Outputs> r) { done_[i] = std::move(r); });
    return i;
  }
  bool FinishedOk(std::size_t i) const { return done_[i].has_value() && done_[i]->ok(); }

  TempDir dir_;
  std::string out_ = dir_ / "out";
  std::unique_ptr<store::DocumentStore> store_ = OpenTempStore(dir_);
  std::vector<std::optional<Result<kafka::Outputs>>> done_;
  std::vector<std::string> recorded_;
  SampleFormat format_ = SampleFormat::kMessages;  // what Open writes
};

TEST_F(SinkWorkerTest, WritesBothFilesAndFinishesOnTick) {
  auto sink = Open();
  ASSERT_TRUE(sink);
  EXPECT_TRUE(fs::exists(out_ + "/dataset.jsonl"));
  EXPECT_TRUE(fs::exists(out_ + "/rejected.jsonl"));
  const auto a = Feed(*sink, Sample("s1", envelope::Decision::kAccept), true);
  const auto r = Feed(*sink, Sample("s2", envelope::Decision::kReject), false);
  EXPECT_FALSE(done_[a].has_value()) << "finished before the line was fsync'ed";
  EXPECT_TRUE(recorded_.empty());
  sink->Tick();
  EXPECT_TRUE(FinishedOk(a));
  EXPECT_TRUE(FinishedOk(r));
  EXPECT_EQ(recorded_, (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(sink->written(), 2u);

  const auto dataset = Lines(out_ + "/dataset.jsonl");
  ASSERT_EQ(dataset.size(), 1u);
  const json d = json::parse(dataset[0]);
  EXPECT_EQ(d["messages"][0]["role"], "user");
  EXPECT_EQ(d["messages"][0]["content"],
            std::string(kDocText) + "\n\nWhen was the bicycle invented?");
  EXPECT_EQ(d["messages"][1]["role"], "assistant");
  EXPECT_EQ(d["messages"][1]["content"], "In 1817.");
  EXPECT_EQ(d["meta"]["sample_id"], "s1");
  EXPECT_EQ(d["meta"]["reference"], "1817");

  const auto rejected = Lines(out_ + "/rejected.jsonl");
  ASSERT_EQ(rejected.size(), 1u);
  const json j = json::parse(rejected[0]);
  EXPECT_EQ(j["question"], "When was the bicycle invented?");
  EXPECT_EQ(j["meta"]["reasons"], json::array({"no_evidence"}));
  EXPECT_FALSE(j.contains("messages"));
}

TEST_F(SinkWorkerTest, EvidenceContextPutsQuotesBeforeTheQuestion) {
  auto sink = Open(SinkContext::kEvidence);
  ASSERT_TRUE(sink);
  Feed(*sink, Sample("s1", envelope::Decision::kAccept), true);
  sink->Tick();
  const auto lines = Lines(out_ + "/dataset.jsonl");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(json::parse(lines[0])["messages"][0]["content"],
            "The bicycle was invented in 1817.\n\nWhen was the bicycle invented?");
}

TEST_F(SinkWorkerTest, DuplicateSampleIsNotWrittenTwiceEvenAcrossReopen) {
  {
    auto sink = Open();
    ASSERT_TRUE(sink);
    Feed(*sink, Sample("s1", envelope::Decision::kAccept), true);
    const auto dup = Feed(*sink, Sample("s1", envelope::Decision::kAccept), true);
    EXPECT_TRUE(FinishedOk(dup)) << "a duplicate finishes at once";
    EXPECT_EQ(sink->duplicates(), 1u);
    sink->Tick();
  }
  auto sink = Open();
  ASSERT_TRUE(sink);
  const auto again = Feed(*sink, Sample("s1", envelope::Decision::kAccept), true);
  EXPECT_TRUE(FinishedOk(again));
  Feed(*sink, Sample("s3", envelope::Decision::kAccept), true);
  sink->Tick();
  EXPECT_EQ(sink->duplicates(), 1u);
  EXPECT_EQ(sink->written(), 1u);
  EXPECT_EQ(Lines(out_ + "/dataset.jsonl").size(), 2u);
  // Duplicates are still reported, so that `run` can count the task as ended.
  EXPECT_EQ(recorded_, (std::vector<std::string>{"s1", "s1", "s1", "s3"}));
}

// Records count once they are on disk (at the group commit), each in its file.
TEST_F(SinkWorkerTest, ItsProbeCountsCommittedRecordsAndDuplicates) {
  prometheus::Registry registry;
  SinkProbe probe(registry);
  auto sink = Open(SinkContext::kFull, "", &probe);
  ASSERT_TRUE(sink);
  Feed(*sink, Sample("s1", envelope::Decision::kAccept), true);
  Feed(*sink, Sample("s1", envelope::Decision::kAccept), true);
  Feed(*sink, Sample("s2", envelope::Decision::kReject), false);
  Feed(*sink, Sample("s3", envelope::Decision::kReview), false);
  EXPECT_NE(
      builders::MetricsText(registry).find("longforge_sink_records_total{file=\"dataset\"} 0"),
      std::string::npos);
  sink->Tick();
  const std::string metrics = builders::MetricsText(registry);
  for (const char* line :
       {"longforge_sink_records_total{file=\"dataset\"} 1",
        "longforge_sink_records_total{file=\"rejected\"} 2", "longforge_sink_duplicates_total 1",
        "longforge_sink_sync_seconds_count 1"}) {
    EXPECT_NE(metrics.find(line), std::string::npos) << line << " in\n" << metrics;
  }
}

TEST_F(SinkWorkerTest, TornLastLineIsCutOnReopen) {
  {
    auto sink = Open();
    ASSERT_TRUE(sink);
    Feed(*sink, Sample("s1", envelope::Decision::kAccept), true);
    sink->Tick();
  }
  const std::string path = out_ + "/dataset.jsonl";
  const auto good_size = fs::file_size(path);
  std::ofstream(path, std::ios::app) << R"({"messages":[{"role":"user","content":"half)";
  auto sink = Open();
  ASSERT_TRUE(sink);
  EXPECT_EQ(fs::file_size(path), good_size);
  Feed(*sink, Sample("s2", envelope::Decision::kAccept), true);
  sink->Tick();
  const auto lines = Lines(path);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(json::parse(lines[1])["meta"]["sample_id"], "s2");
}

TEST_F(SinkWorkerTest, ForeignFileIsAStopErrorNamingIt) {
  fs::create_directories(out_);
  std::ofstream(out_ + "/rejected.jsonl") << "{\"hello\":1}\n";
  SinkOptions options;
  options.out_dir = out_;
  auto sink = SinkWorker::Open(options, *store_);
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.error().disposition, Disposition::kStop);
  EXPECT_NE(sink.error().message.find(out_ + "/rejected.jsonl"), std::string::npos)
      << sink.error().message;
  EXPECT_EQ(Lines(out_ + "/rejected.jsonl"), std::vector<std::string>{"{\"hello\":1}"})
      << "the foreign file must be left alone";
}

TEST_F(SinkWorkerTest, RecordWithoutAStringSampleIdIsAStopErrorNamingItsLine) {
  fs::create_directories(out_);
  const std::string good = R"({"messages":[],"meta":{"sample_id":"s1"}})";
  for (const std::string& bad : {std::string(R"({"messages":[],"meta":{"sample_id":5}})"),
                                 std::string(R"({"messages":[],"meta":{"sample_id":null}})"),
                                 std::string(R"({"messages":[],"meta":{"sample_id":["s1"]}})"),
                                 std::string(R"({"messages":[],"meta":5})"),
                                 std::string(R"([{"meta":{}}])"), std::string("not json")}) {
    SCOPED_TRACE(bad);
    std::ofstream(out_ + "/dataset.jsonl", std::ios::trunc) << good << "\n" << bad << "\n";
    SinkOptions options;
    options.out_dir = out_;
    auto sink = SinkWorker::Open(options, *store_);
    ASSERT_FALSE(sink.ok());
    EXPECT_EQ(sink.error().disposition, Disposition::kStop);
    EXPECT_NE(sink.error().message.find(out_ + "/dataset.jsonl:2"), std::string::npos)
        << sink.error().message;
    EXPECT_EQ(Lines(out_ + "/dataset.jsonl"), (std::vector<std::string>{good, bad}))
        << "the file must be left alone";
  }
}

TEST_F(SinkWorkerTest, MissingDocumentOrBadMessageIsADeadLetter) {
  auto sink = Open();
  ASSERT_TRUE(sink);
  auto orphan = Sample("s9", envelope::Decision::kAccept);
  orphan.record.task.doc_id = "gone";
  const auto i = Feed(*sink, orphan, true);
  ASSERT_TRUE(done_[i].has_value());
  ASSERT_FALSE(done_[i]->ok());
  EXPECT_EQ(done_[i]->error().disposition, Disposition::kDeadLetter);
  done_.emplace_back();
  sink->Handle({kafka::kDataset, 0, 0, "", "{}"},
               [this](Result<kafka::Outputs> r) { done_.back() = std::move(r); });
  ASSERT_TRUE(done_.back().has_value());
  EXPECT_FALSE(done_.back()->ok());
  sink->Tick();
  EXPECT_TRUE(Lines(out_ + "/dataset.jsonl").empty());
}

TEST_F(SinkWorkerTest, OutputMatchesTheFormatSchemas) {
  if (auto why = schema_check::ValidatorUnavailable()) GTEST_FAIL() << *why;
  {
    auto sink = Open();
    ASSERT_TRUE(sink);
    Feed(*sink, Sample("s1", envelope::Decision::kAccept), true);
    auto no_ref = Sample("s2", envelope::Decision::kAccept);
    no_ref.record.task.reference.reset();
    Feed(*sink, no_ref, true);
    auto contaminated = Sample("s3", envelope::Decision::kReject);
    contaminated.verdict.reasons = {"contaminated"};
    contaminated.verdict.contamination =
        envelope::Contamination{"bench.jsonl:7", "Who wrote Hamlet?", "whole"};
    Feed(*sink, contaminated, false);
    Feed(*sink, Sample("s4", envelope::Decision::kReview), false);
    sink->Tick();
  }
  // The benchmark item a contaminated question matched is in its meta.
  const json first = json::parse(Lines(out_ + "/rejected.jsonl").at(0));
  EXPECT_EQ(
      first["meta"]["contamination"],
      json({{"source", "bench.jsonl:7"}, {"item", "Who wrote Hamlet?"}, {"method", "whole"}}));
  for (const auto& [file, format] :
       {std::pair{"dataset.jsonl", "messages"}, std::pair{"rejected.jsonl", "rejected"}}) {
    const auto run = schema_check::RunValidator(out_ + "/" + file, format);
    EXPECT_EQ(run.exit_code, 0) << file << ":\n" << run.output;
    EXPECT_NE(run.output.find("2 lines validated, 0 failed"), std::string::npos) << run.output;
  }
  // And the formats are not interchangeable.
  const auto wrong = schema_check::RunValidator(out_ + "/rejected.jsonl", "messages");
  EXPECT_EQ(wrong.exit_code, 1) << wrong.output;
}

TEST_F(SinkWorkerTest, RlVerlLinesCarryVerlsFieldsAndValidate) {
  if (auto why = schema_check::ValidatorUnavailable()) GTEST_FAIL() << *why;
  format_ = SampleFormat::kRlVerl;
  auto counted = Sample("s1", envelope::Decision::kAccept);
  counted.record.task.verifier = "number";
  counted.record.task.level = 2;
  auto no_ref = Sample("s2", envelope::Decision::kAccept);
  no_ref.record.task.reference.reset();
  {
    auto sink = Open();
    ASSERT_TRUE(sink);
    Feed(*sink, counted, true);
    Feed(*sink, no_ref, true);
    Feed(*sink, Sample("s3", envelope::Decision::kReject), false);
    sink->Tick();
  }
  const auto lines = Lines(out_ + "/dataset.jsonl");
  ASSERT_EQ(lines.size(), 2u);
  const json a = json::parse(lines[0]), b = json::parse(lines[1]);
  EXPECT_EQ(a["data_source"], "longforge");
  EXPECT_EQ(a["ability"], "long-context-qa");
  ASSERT_EQ(a["prompt"].size(), 1u) << "the answer is what the policy writes, not a turn";
  EXPECT_EQ(a["prompt"][0]["role"], "user");
  EXPECT_EQ(a["prompt"][0]["content"],
            std::string(kDocText) + "\n\nWhen was the bicycle invented?");
  EXPECT_EQ(a["reward_model"], (json{{"style", "rule"}, {"ground_truth", "1817"}}));
  EXPECT_FALSE(a.contains("meta")) << "verl keeps what is not the prompt or reward in extra_info";
  const json& extra = a["extra_info"];
  EXPECT_EQ(extra["sample_id"], "s1");
  EXPECT_EQ(extra["doc_id"], "doc");
  EXPECT_EQ(extra["verifier"], "number");
  EXPECT_EQ(extra["level"], 2);
  EXPECT_EQ(extra["difficulty"], "medium");
  EXPECT_EQ(extra["evidence"], json::parse("[[0, 33]]"));
  EXPECT_EQ(extra["evidence_bytes"], json::parse("[33]"));
  EXPECT_EQ(extra["reference_source"], "reference");
  EXPECT_EQ(extra["answer"], "In 1817.");
  // Without a reference the accepted answer is the ground truth, and says so.
  EXPECT_EQ(b["reward_model"], (json{{"style", "model"}, {"ground_truth", "In 1817."}}));
  EXPECT_EQ(b["extra_info"]["reference_source"], "answer");
  EXPECT_TRUE(b["extra_info"]["reference"].is_null());

  const auto run = schema_check::RunValidator(out_ + "/dataset.jsonl", "rl-verl");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("2 lines validated, 0 failed"), std::string::npos) << run.output;
  EXPECT_EQ(schema_check::RunValidator(out_ + "/dataset.jsonl", "messages").exit_code, 1);

  // A sink started again over the file knows its samples: a redelivery is not written twice.
  auto sink = Open();
  ASSERT_TRUE(sink);
  Feed(*sink, counted, true);
  sink->Tick();
  EXPECT_EQ(Lines(out_ + "/dataset.jsonl").size(), 2u);
}

TEST_F(SinkWorkerTest, RlSwiftLinesCarryASolutionAndValidate) {
  if (auto why = schema_check::ValidatorUnavailable()) GTEST_FAIL() << *why;
  format_ = SampleFormat::kRlSwift;
  auto no_ref = Sample("s2", envelope::Decision::kAccept);
  no_ref.record.task.reference = "";
  {
    auto sink = Open(SinkContext::kEvidence);
    ASSERT_TRUE(sink);
    Feed(*sink, Sample("s1", envelope::Decision::kAccept), true);
    Feed(*sink, no_ref, true);
    sink->Tick();
  }
  const auto lines = Lines(out_ + "/dataset.jsonl");
  ASSERT_EQ(lines.size(), 2u);
  const json a = json::parse(lines[0]), b = json::parse(lines[1]);
  ASSERT_EQ(a["messages"].size(), 2u);
  EXPECT_EQ(a["messages"][0]["role"], "user");
  EXPECT_EQ(a["messages"][1], (json{{"role", "assistant"}, {"content", "In 1817."}}));
  EXPECT_EQ(a["solution"], "1817");
  EXPECT_EQ(a["meta"]["reference_source"], "reference");
  EXPECT_EQ(b["solution"], "In 1817.") << "an empty reference is no reference";
  EXPECT_EQ(b["meta"]["reference_source"], "answer");
  const auto run = schema_check::RunValidator(out_ + "/dataset.jsonl", "rl-swift");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("2 lines validated, 0 failed"), std::string::npos) << run.output;
  EXPECT_EQ(schema_check::RunValidator(out_ + "/dataset.jsonl", "messages").exit_code, 1)
      << "a messages line has no solution";
}

TEST(SampleFormat, NamesParseAndLinesAreRecognised) {
  for (const auto format : {SampleFormat::kMessages, SampleFormat::kShareGpt, SampleFormat::kAlpaca,
                            SampleFormat::kRlVerl, SampleFormat::kRlSwift}) {
    EXPECT_EQ(ParseSampleFormat(SampleFormatName(format)), format);
    const json line =
        json::parse(RenderAccepted(Sample("s1", envelope::Decision::kAccept), format, "ctx"));
    EXPECT_EQ(DetectSampleFormat(line), format) << SampleFormatName(format);
    const json* meta = RecordMeta(line);
    ASSERT_NE(meta, nullptr) << SampleFormatName(format);
    EXPECT_EQ((*meta)["sample_id"], "s1");
  }
  EXPECT_EQ(ParseSampleFormat("verl"), std::nullopt);
  EXPECT_EQ(DetectSampleFormat(json::parse(R"({"question": "q", "meta": {}})")), std::nullopt);
  EXPECT_EQ(RecordMeta(json::parse(R"({"meta": 5})")), nullptr);
}

// The Done a failed write leaves behind: a kStop naming the file and the errno text.
void ExpectStopNaming(const std::optional<Result<kafka::Outputs>>& done, const std::string& path,
                      const std::string& errno_text) {
  ASSERT_TRUE(done.has_value()) << "the message was left unfinished";
  ASSERT_FALSE(done->ok()) << "finished although its line never reached the disk";
  EXPECT_EQ(done->error().disposition, Disposition::kStop);
  EXPECT_NE(done->error().message.find(path), std::string::npos) << done->error().message;
  EXPECT_NE(done->error().message.find(errno_text), std::string::npos) << done->error().message;
}

TEST_F(SinkWorkerTest, FlushErrorStopsWithoutFinishingTheBatch) {
  auto sink = Open(SinkContext::kFull, "/dev/full");
  ASSERT_TRUE(sink);
  const auto a = Feed(*sink, Sample("s1", envelope::Decision::kAccept), true);
  const auto b = Feed(*sink, Sample("s2", envelope::Decision::kAccept), true);
  EXPECT_FALSE(done_[a].has_value()) << "a small line waits in the buffer for the group commit";
  sink->Tick();
  for (const auto i : {a, b}) ExpectStopNaming(done_[i], out_ + "/dataset.jsonl", "No space left");
  EXPECT_TRUE(recorded_.empty()) << "on_record means on disk";
  // Once a write failed the file's state is unknown: nothing more is taken.
  const auto c = Feed(*sink, Sample("s3", envelope::Decision::kReject), false);
  ASSERT_TRUE(done_[c].has_value());
  ASSERT_FALSE(done_[c]->ok());
  EXPECT_EQ(done_[c]->error().disposition, Disposition::kStop);
  sink->Tick();
  EXPECT_TRUE(recorded_.empty());
}

TEST_F(SinkWorkerTest, WriteErrorStopsAndFailsTheBufferedMessagesToo) {
  auto sink = Open(SinkContext::kFull, "/dev/full");
  ASSERT_TRUE(sink);
  const auto small = Feed(*sink, Sample("s1", envelope::Decision::kAccept), true);
  // Larger than stdio's buffer: fwrite itself writes, and fails.
  auto big = Sample("s2", envelope::Decision::kAccept);
  big.record.answer = std::string(1 << 20, 'x');
  const auto large = Feed(*sink, big, true);
  ExpectStopNaming(done_[large], out_ + "/dataset.jsonl", "No space left");
  ExpectStopNaming(done_[small], out_ + "/dataset.jsonl", "No space left");
  sink->Tick();
  EXPECT_TRUE(recorded_.empty());
  EXPECT_EQ(sink->written(), 1u) << "s1 was buffered, s2 never written";
}

TEST_F(SinkWorkerTest, FsyncErrorStopsWithoutFinishing) {
  auto sink = Open(SinkContext::kFull, "/dev/null");  // writes succeed, fsync: EINVAL
  ASSERT_TRUE(sink);
  const auto r = Feed(*sink, Sample("s1", envelope::Decision::kReject), false);
  sink->Tick();
  ExpectStopNaming(done_[r], out_ + "/rejected.jsonl", "Invalid argument");
  EXPECT_TRUE(recorded_.empty());
}

TEST_F(SinkWorkerTest, FailedFlushLeavesNoPartOfItsLinesOnDisk) {
  {
    auto sink = Open();
    ASSERT_TRUE(sink);
    Feed(*sink, Sample("s1", envelope::Decision::kAccept), true);
    sink->Tick();
  }
  const std::string path = out_ + "/dataset.jsonl";
  const auto synced = fs::file_size(path);
  // A file size limit 100 bytes past the end: the flush writes part of s2's line, then
  // fails (EFBIG). In a child process, so that the limit stays there.
  const auto child = [&]() -> int {
    auto sink = Open();
    if (!sink) return 2;
    Feed(*sink, Sample("s2", envelope::Decision::kAccept), true);
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{};
    limit.rlim_cur = limit.rlim_max = synced + 100;
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 3;
    sink->Tick();
    if (!done_.back().has_value() || done_.back()->ok()) return 4;
    sink.reset();  // closing must not write the rest either
    return fs::file_size(path) == synced ? 0 : 5;
  };
  EXPECT_EXIT(std::exit(child()), ::testing::ExitedWithCode(0), "");
  // And the next run appends after a whole line.
  auto sink = Open();
  ASSERT_TRUE(sink);
  Feed(*sink, Sample("s2", envelope::Decision::kAccept), true);
  sink->Tick();
  const auto lines = Lines(path);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(json::parse(lines[1])["meta"]["sample_id"], "s2");
}

TEST(SinkOptions, ValidateRequiresOut) { EXPECT_EQ(SinkOptions{}.Validate().size(), 1u); }

}  // namespace
}  // namespace longforge::workers

namespace longforge::workers {
namespace {

TEST(SampleFormat, EscapedContextGivesTheBytesOfTheFullRendering) {
  using namespace std::string_literals;
  const std::vector<std::string> contexts = {
      "plain text", "quotes \" and \\ backslashes\n\ttabs", "\x01\x1f control",
      "\xC3\xA9t\xC3\xA9 \xE7\xBA\xA2\xE6\xA5\xBC\xE6\xA2\xA6 \xF0\x9F\x98\x80", "\n\n"};
  for (const auto format : {SampleFormat::kMessages, SampleFormat::kShareGpt, SampleFormat::kAlpaca,
                            SampleFormat::kRlVerl, SampleFormat::kRlSwift}) {
    for (const auto& context : contexts) {
      auto sample = Sample("s1", envelope::Decision::kAccept);
      EXPECT_EQ(RenderAcceptedEscaped(sample, format, EscapeJsonString(context)),
                RenderAccepted(sample, format, context))
          << SampleFormatName(format) << " / " << context;
      // A question that happens to hold the stand-in still renders exactly.
      sample.record.task.question = "Why \0longforge-context\0?"s;
      EXPECT_EQ(RenderAcceptedEscaped(sample, format, EscapeJsonString(context)),
                RenderAccepted(sample, format, context))
          << SampleFormatName(format) << " / stand-in in the question";
    }
  }
}

}  // namespace
}  // namespace longforge::workers
