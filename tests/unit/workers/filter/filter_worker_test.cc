#include "workers/filter/filter_worker.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>

#include "longforge/kafka/topics.h"
#include "support/temp_store.h"

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
  const auto v = filter.Judge(Record("In 1817.", true)).value();
  EXPECT_EQ(v.decision, envelope::Decision::kAccept);
  EXPECT_TRUE(v.reasons.empty());
}

TEST(FilterWorker, RejectsEmptyAnswer) {
  FilterWorker filter({}, nullptr);
  const auto v = filter.Judge(Record("", true)).value();
  EXPECT_EQ(v.decision, envelope::Decision::kReject);
  EXPECT_EQ(v.reasons, Reasons{"empty_answer"});
}

TEST(FilterWorker, RejectsAnswerWithoutEvidence) {
  FilterWorker filter({}, nullptr);
  const auto v = filter.Judge(Record("In 1817.", false)).value();
  EXPECT_EQ(v.decision, envelope::Decision::kReject);
  EXPECT_EQ(v.reasons, Reasons{"no_evidence"});
  EXPECT_EQ(filter.Judge(Record("", false))->reasons, (Reasons{"empty_answer", "no_evidence"}));
}

TEST(FilterWorker, RejectsAnswersOutsideTheLengthBounds) {
  FilterOptions options;
  options.min_answer_chars = 5;
  options.max_answer_chars = 10;
  ASSERT_TRUE(options.Validate().empty());
  FilterWorker filter(options, nullptr);
  EXPECT_EQ(filter.Judge(Record("1817", true))->reasons, Reasons{"answer_too_short"});
  EXPECT_EQ(filter.Judge(Record("In the year 1817", true))->reasons, Reasons{"answer_too_long"});
  EXPECT_EQ(filter.Judge(Record("In 1817", true))->decision, envelope::Decision::kAccept);
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
    EXPECT_EQ(m.key, envelope::SampleIdOf("task-1"));
    EXPECT_NE(m.value.find(good ? "\"schema\":\"lf.dataset/v1\"" : "\"schema\":\"lf.rejected/v1\""),
              std::string::npos)
        << m.value;
    auto sample = envelope::DecodeSampleRecord(m.value);
    ASSERT_TRUE(sample.ok()) << sample.error().message;
    EXPECT_EQ(sample->sample_id, envelope::SampleIdOf("task-1"));
    EXPECT_EQ(sample->verdict.decision,
              good ? envelope::Decision::kAccept : envelope::Decision::kReject);
    EXPECT_EQ(sample->record.task.question, "When was the bicycle invented?");
  }
}

// --level auto: a wrong level-1 answer is not rejected but sent one level up, with why
// and what it cost; a wrong level-2 answer goes to level 3 only for a multi-hop question.
TEST(FilterWorker, TheCascadeSendsAWrongAnswerOneLevelUp) {
  FilterWorker filter({}, nullptr);
  auto record = Record("In 1903.", true);
  record.task.reference = "In 1817.";
  record.task.level = 1;
  record.task.cascade = true;
  record.task.chunks_ref = "doc.chunks-x.json";
  record.usage = {2, 300, 20, 0};
  auto out = filter.HandleSync({kafka::kAnswers, 0, 0, "task-1", envelope::Encode(record)});
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ(out->at(0).topic, kafka::kSubquestions);
  EXPECT_EQ(out->at(0).key, "doc");
  auto up = envelope::DecodeSubQuestion(out->at(0).value);
  ASSERT_TRUE(up.ok()) << up.error().message;
  EXPECT_EQ(up->task.task_id, "task-1");
  EXPECT_EQ(up->task.level, 2);
  EXPECT_TRUE(up->task.cascade);
  EXPECT_EQ(up->task.spent.calls, 2u);
  EXPECT_EQ(up->task.spent.prompt_tokens, 300u);
  ASSERT_EQ(up->task.escalations.size(), 1u);
  EXPECT_EQ(up->task.escalations[0], "level 1: ungrounded");  // 1903 is not in the evidence

  // Level 2, not multi-hop: the end of the cascade, rejected as usual.
  record.task.level = 2;
  out = filter.HandleSync({kafka::kAnswers, 0, 0, "task-1", envelope::Encode(record)});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->at(0).topic, kafka::kRejected);
  record.task.type = "multi-hop";
  EXPECT_EQ(EscalationLevel(record.task), 3);
  record.task.level = 3;
  EXPECT_EQ(EscalationLevel(record.task), std::nullopt);

  // A right level-1 answer is accepted at level 1 (difficulty easy).
  record = Record("In 1817.", true);
  record.task.reference = "In 1817.";
  record.task.level = 1;
  record.task.cascade = true;
  record.task.chunks_ref = "doc.chunks-x.json";
  out = filter.HandleSync({kafka::kAnswers, 0, 0, "task-1", envelope::Encode(record)});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->at(0).topic, kafka::kDataset);
  EXPECT_STREQ(envelope::Difficulty(record.task), "easy");

  // Without the cascade, or without a chunk table to read, nothing goes up.
  record.task.cascade = false;
  EXPECT_EQ(EscalationLevel(record.task), std::nullopt);
  record.task.cascade = true;
  record.task.chunks_ref.clear();
  EXPECT_EQ(EscalationLevel(record.task), std::nullopt);
}

TEST(FilterWorker, SampleIdIsDeterministicPerTask) {
  EXPECT_EQ(envelope::SampleIdOf("task-1"), envelope::SampleIdOf("task-1"));
  EXPECT_NE(envelope::SampleIdOf("task-1"), envelope::SampleIdOf("task-2"));
  EXPECT_NE(envelope::SampleIdOf("task-1"), "task-1");
  EXPECT_EQ(envelope::SampleIdOf("task-1").size(), 32u);
}

TEST(FilterWorker, BadRecordIsADeadLetter) {
  FilterWorker filter({}, nullptr);
  auto out = filter.HandleSync({kafka::kAnswers, 0, 0, "", "{\"schema\":\"lf.answers/v1\"}"});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().disposition, Disposition::kDeadLetter);
}

// A store holding "doc" is read for the evidence spans; these records are grounded by
// their quotes alone, so only a store failure can stop them from being accepted.
class FilterStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_->Put(store::DocumentStore::TextKey("doc"), kText).ok());
  }

  // The result of both entry points, which must agree.
  Result<kafka::Outputs> Run(const envelope::AnswerRecord& r) {
    const kafka::InMessage m{kafka::kAnswers, 0, 0, "task-1", envelope::Encode(r)};
    std::optional<Result<kafka::Outputs>> handled;
    filter_.Handle(m, [&](Result<kafka::Outputs> out) { handled = std::move(out); });
    auto sync = filter_.HandleSync(m);
    EXPECT_TRUE(handled.has_value());
    if (handled && !handled->ok() && !sync.ok()) {
      EXPECT_EQ(handled->error().disposition, sync.error().disposition);
    }
    return sync;
  }

  // Longer than Record's evidence span, [0, 100).
  static constexpr const char* kText =
      "The bicycle was invented in 1817. It had no pedals: riders pushed it along with their "
      "feet, and it was called a running machine.";
  TempDir dir_;
  std::unique_ptr<store::DocumentStore> store_ = OpenTempStore(dir_);
  FilterWorker filter_{{}, nullptr, store_.get()};
};

TEST_F(FilterStoreTest, ReadsTheEvidenceAndAccepts) {
  auto out = Run(Record("In 1817.", true));
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->at(0).topic, kafka::kDataset);
}

TEST_F(FilterStoreTest, UnreadableDocumentIsARetryNotAnAccept) {
  // The document exists but cannot be opened (a symlink loop: ELOOP, like EACCES or EIO).
  const std::string path = store_->PathOf(store::DocumentStore::TextKey("doc"));
  std::filesystem::remove(path);
  std::filesystem::create_symlink(path, path);
  auto out = Run(Record("In 1817.", true));
  ASSERT_FALSE(out.ok()) << "accepted without checking the evidence";
  EXPECT_EQ(out.error().disposition, Disposition::kRetry);
  EXPECT_NE(out.error().message.find(path), std::string::npos) << out.error().message;
  EXPECT_NE(out.error().message.find("task-1"), std::string::npos) << out.error().message;
}

TEST_F(FilterStoreTest, DocumentAbsentFromTheStoreIsADeadLetterNamingIt) {
  auto r = Record("In 1817.", true);
  r.task.doc_id = "gone";
  auto out = Run(r);
  ASSERT_FALSE(out.ok()) << "accepted without checking the evidence";
  EXPECT_EQ(out.error().disposition, Disposition::kDeadLetter);
  EXPECT_NE(out.error().message.find("document gone"), std::string::npos) << out.error().message;
  EXPECT_NE(out.error().message.find("missing"), std::string::npos) << out.error().message;
  // So is every document once the store's directory is gone.
  std::filesystem::remove_all(store_->dir());
  auto lost = Run(Record("In 1817.", true));
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().disposition, Disposition::kDeadLetter);
  // A span past the end of the document cannot be checked either.
  ASSERT_TRUE(store_->Put(store::DocumentStore::TextKey("doc"), "short").ok());
  auto past = Run(Record("In 1817.", true));
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().disposition, Disposition::kDeadLetter);
}

TEST_F(FilterStoreTest, RecordsRejectedAnywayDoNotNeedTheStore) {
  std::filesystem::remove_all(store_->dir());
  auto out = Run(Record("", true));
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->at(0).topic, kafka::kRejected);
}

}  // namespace
}  // namespace longforge::workers
