#include "review/sample_index.h"

#include <gtest/gtest.h>

#include <fstream>

#include "review/sample_line.h"
#include "review_fixture.h"

namespace longforge::review {
namespace {

std::unique_ptr<SampleIndex> Build(const ReviewFixture& f, std::vector<std::string>& warnings) {
  auto index = SampleIndex::Build(f.dir, f.store.get(), warnings);
  EXPECT_TRUE(index.ok()) << (index ? "" : index.error().message);
  return index ? std::move(*index) : nullptr;
}

TEST(SampleIndex, ReadsQuestionAndAnswerBackFromEveryFormat) {
  for (const auto format : {workers::SampleFormat::kMessages, workers::SampleFormat::kShareGpt,
                            workers::SampleFormat::kAlpaca, workers::SampleFormat::kRlVerl,
                            workers::SampleFormat::kRlSwift}) {
    ReviewFixture f(3, format);
    std::vector<std::string> warnings;
    const auto index = Build(f, warnings);
    ASSERT_TRUE(index);
    ASSERT_EQ(index->size(), 5u) << workers::SampleFormatName(format);
    for (int i = 0; i < 5; ++i) {
      const auto& s = index->at(static_cast<std::size_t>(i));
      const auto want = FixtureSample(i, envelope::Decision::kAccept);
      EXPECT_EQ(s.sample_id, want.sample_id);
      EXPECT_EQ(s.question, want.record.task.question) << workers::SampleFormatName(format);
      EXPECT_EQ(s.answer, want.record.answer);
    }
    EXPECT_EQ(index->Value(index->at(0), Facet::kDecision), "accept");
    EXPECT_EQ(index->Value(index->at(3), Facet::kDecision), "reject");
    EXPECT_EQ(index->Value(index->at(4), Facet::kDecision), "review");
    EXPECT_EQ(index->Value(index->at(1), Facet::kType), "number");
    EXPECT_EQ(index->Value(index->at(1), Facet::kDoc), kDocId);
    EXPECT_TRUE(warnings.empty());
  }
}

TEST(SampleIndex, SplitsAPromptAtTheContextItsMetaDescribes) {
  // Evidence context: 10 bytes of evidence, so the question starts at 12 even though it
  // holds a blank line itself.
  EXPECT_EQ(QuestionStart("0123456789\n\nWhat?\n\nReally?", {0, 10}), 12u);
  // Full context: the document's size.
  EXPECT_EQ(QuestionStart("doc\n\ntext\n\nQ?", {9, 3}), 11u);
  // Nothing known: the last blank line; no blank line: all question.
  EXPECT_EQ(QuestionStart("ctx\n\nQ?", {0}), 5u);
  EXPECT_EQ(QuestionStart("Q?", {0}), 0u);
}

TEST(SampleIndex, CountsEachFacetOverTheOtherFilters) {
  ReviewFixture f;
  std::vector<std::string> warnings;
  const auto index = Build(f, warnings);
  SampleQuery query;
  query.equals[Facet::kDecision] = "review";
  const auto result = index->Run(query, nullptr);
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(index->at(result.rows[0]).sample_id, "s4");
  // The decision menu still counts every decision (its own filter is left out)...
  EXPECT_EQ(result.counts.at(Facet::kDecision).at("accept"), 3u);
  EXPECT_EQ(result.counts.at(Facet::kDecision).at("reject"), 1u);
  // ...while the others count only review samples.
  EXPECT_EQ(result.counts.at(Facet::kType).size(), 1u);
  EXPECT_EQ(result.counts.at(Facet::kReason).at("judge_disagrees"), 1u);
  EXPECT_EQ(result.counts.at(Facet::kHuman).at("undecided"), 1u);
}

TEST(SampleIndex, FiltersByHumanDecisionAndSearchesTextIgnoringCase) {
  ReviewFixture f;
  std::vector<std::string> warnings;
  const auto index = Build(f, warnings);
  SampleQuery query;
  query.text = "FERRY TO KELL";
  auto result = index->Run(query, nullptr);
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(index->at(result.rows[0]).sample_id, "s2");
  query.text = "question 1:";
  EXPECT_EQ(index->Run(query, nullptr).rows.size(), 1u);

  SampleQuery edited;
  edited.equals[Facet::kHuman] = "edit";
  const auto human = [](const std::string& id) -> std::optional<HumanDecision> {
    if (id == "s0") return HumanDecision::kEdit;
    return std::nullopt;
  };
  result = index->Run(edited, human);
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.counts.at(Facet::kHuman).at("undecided"), 4u);
}

TEST(SampleIndex, IncludesLengthBucketFilesAndSkipsATornLastLineAndRepeats) {
  ReviewFixture f;
  std::ofstream(f.dir + "/dataset-long.jsonl")
      << workers::RenderAccepted(FixtureSample(7, envelope::Decision::kAccept),
                                 workers::SampleFormat::kMessages, "")
      << "\n"
      << workers::RenderAccepted(FixtureSample(0, envelope::Decision::kAccept),
                                 workers::SampleFormat::kMessages, "")
      << "\n{\"messages\": [";
  std::vector<std::string> warnings;
  const auto index = Build(f, warnings);
  ASSERT_TRUE(index);
  EXPECT_EQ(index->size(), 6u);
  EXPECT_TRUE(index->Find("s7"));
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("dataset-long.jsonl:2: sample s0 again"), std::string::npos)
      << warnings[0];
  EXPECT_NE(warnings[1].find("dataset-long.jsonl:3: no newline"), std::string::npos) << warnings[1];
}

TEST(SampleIndex, NamesTheFileAndLineOfARecordItCannotRead) {
  ReviewFixture f;
  std::ofstream(f.dir + "/rejected.jsonl", std::ios::app) << "{\"question\": 3}\n";
  std::vector<std::string> warnings;
  auto index = SampleIndex::Build(f.dir, f.store.get(), warnings);
  ASSERT_FALSE(index.ok());
  EXPECT_NE(index.error().message.find("rejected.jsonl:3: not a sink record"), std::string::npos)
      << index.error().message;

  auto missing = SampleIndex::Build(f.tmp / "nowhere", nullptr, warnings);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("not a directory"), std::string::npos);
  std::filesystem::create_directories(f.tmp / "empty");
  auto empty = SampleIndex::Build(f.tmp / "empty", nullptr, warnings);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("no dataset*.jsonl"), std::string::npos);
}

TEST(SampleIndex, ReadsALineBackFromItsOffset) {
  ReviewFixture f;
  std::vector<std::string> warnings;
  const auto index = Build(f, warnings);
  auto line = index->ReadLine(index->at(4));
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(*line, workers::RenderRejected(FixtureSample(4, envelope::Decision::kReview)));
}

}  // namespace
}  // namespace longforge::review
