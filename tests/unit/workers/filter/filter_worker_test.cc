#include "workers/filter/filter_worker.h"

#include <gtest/gtest.h>

#include <string>

#include "longforge/kafka/topics.h"

namespace longforge::workers {
namespace {

envelope::AnswerRecord Record(std::string answer, bool evidence) {
  envelope::AnswerRecord r;
  r.task.task_id = "task-1";
  r.task.doc_id = "doc";
  r.task.question = "When was the bicycle invented?";
  r.answer = std::move(answer);
  if (evidence) {
    r.evidence = {{0, 100}};
    r.quotes = {"The bicycle was invented in 1817."};
  }
  r.chunks_total = 3;
  return r;
}

using Reasons = std::vector<std::string>;

TEST(FilterWorker, AcceptsAGroundedAnswer) {
  FilterWorker filter({}, nullptr);
  const auto v = filter.Judge(Record("In 1817.", true));
  EXPECT_EQ(v.decision, envelope::Decision::kAccept);
  EXPECT_TRUE(v.reasons.empty());
}

TEST(FilterWorker, RejectsEmptyAnswer) {
  FilterWorker filter({}, nullptr);
  const auto v = filter.Judge(Record("", true));
  EXPECT_EQ(v.decision, envelope::Decision::kReject);
  EXPECT_EQ(v.reasons, Reasons{"empty_answer"});
}

TEST(FilterWorker, RejectsAnswerWithoutEvidence) {
  FilterWorker filter({}, nullptr);
  const auto v = filter.Judge(Record("In 1817.", false));
  EXPECT_EQ(v.decision, envelope::Decision::kReject);
  EXPECT_EQ(v.reasons, Reasons{"no_evidence"});
  EXPECT_EQ(filter.Judge(Record("", false)).reasons, (Reasons{"empty_answer", "no_evidence"}));
}

TEST(FilterWorker, RejectsAnswersOutsideTheLengthBounds) {
  FilterOptions options;
  options.min_answer_chars = 5;
  options.max_answer_chars = 10;
  ASSERT_TRUE(options.Validate().empty());
  FilterWorker filter(options, nullptr);
  EXPECT_EQ(filter.Judge(Record("1817", true)).reasons, Reasons{"answer_too_short"});
  EXPECT_EQ(filter.Judge(Record("In the year 1817", true)).reasons, Reasons{"answer_too_long"});
  EXPECT_EQ(filter.Judge(Record("In 1817", true)).decision, envelope::Decision::kAccept);
  options.max_answer_chars = 4;
  EXPECT_EQ(options.Validate().size(), 1u);
}

TEST(FilterWorker, RoutesAcceptedToDatasetAndRejectedToRejected) {
  FilterWorker filter({}, nullptr);
  for (const bool good : {true, false}) {
    SCOPED_TRACE(good);
    auto out = filter.HandleSync(
        {kafka::kAnswers, 0, 0, "task-1", envelope::Encode(Record(good ? "In 1817." : "", true))});
    ASSERT_TRUE(out.ok()) << out.error().message;
    ASSERT_EQ(out->size(), 1u);
    const auto& m = out->at(0);
    EXPECT_EQ(m.topic, good ? kafka::kDataset : kafka::kRejected);
    EXPECT_EQ(m.key, SampleIdOf("task-1"));
    EXPECT_NE(m.value.find(good ? "\"schema\":\"lf.dataset/v1\"" : "\"schema\":\"lf.rejected/v1\""),
              std::string::npos)
        << m.value;
    auto sample = envelope::DecodeSampleRecord(m.value);
    ASSERT_TRUE(sample.ok()) << sample.error().message;
    EXPECT_EQ(sample->sample_id, SampleIdOf("task-1"));
    EXPECT_EQ(sample->verdict.decision,
              good ? envelope::Decision::kAccept : envelope::Decision::kReject);
    EXPECT_EQ(sample->record.task.question, "When was the bicycle invented?");
  }
}

TEST(FilterWorker, SampleIdIsDeterministicPerTask) {
  EXPECT_EQ(SampleIdOf("task-1"), SampleIdOf("task-1"));
  EXPECT_NE(SampleIdOf("task-1"), SampleIdOf("task-2"));
  EXPECT_NE(SampleIdOf("task-1"), "task-1");
  EXPECT_EQ(SampleIdOf("task-1").size(), 32u);
}

TEST(FilterWorker, BadRecordIsADeadLetter) {
  FilterWorker filter({}, nullptr);
  auto out = filter.HandleSync({kafka::kAnswers, 0, 0, "", "{\"schema\":\"lf.answers/v1\"}"});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().disposition, Disposition::kDeadLetter);
}

}  // namespace
}  // namespace longforge::workers
