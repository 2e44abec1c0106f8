#include "review/decision_log.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "support/temp_dir.h"

namespace longforge::review {
namespace {

DecisionRecord Decision(std::string id, HumanDecision d, std::string reviewer = "ada") {
  DecisionRecord r;
  r.sample_id = std::move(id);
  r.decision = d;
  r.reviewer = std::move(reviewer);
  if (d == HumanDecision::kReject) r.reason = "wrong answer";
  if (d == HumanDecision::kEdit) r.answer = "The corrected answer.";
  return r;
}

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(DecisionLog, AppendsEveryDecisionAndTheLatestWinsAfterReopening) {
  TempDir tmp;
  {
    auto log = DecisionLog::Open(tmp.str(), true);
    ASSERT_TRUE(log.ok()) << log.error().message;
    ASSERT_TRUE((*log)->Record(Decision("s1", HumanDecision::kAccept)).ok());
    ASSERT_TRUE((*log)->Record(Decision("s1", HumanDecision::kEdit, "bob")).ok());
    ASSERT_TRUE((*log)->Record(Decision("s2", HumanDecision::kReject)).ok());
  }
  const auto lines = Lines(tmp / "decisions.jsonl");
  ASSERT_EQ(lines.size(), 3u);
  const auto second = DecodeDecision(lines[1]);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->answer, "The corrected answer.");
  EXPECT_EQ(second->reviewer, "bob");
  EXPECT_FALSE(second->time.empty());

  auto log = DecisionLog::Open(tmp.str(), false);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)->size(), 3u);
  EXPECT_EQ((*log)->Latest("s1")->decision, HumanDecision::kEdit);
  EXPECT_EQ((*log)->History("s1").size(), 2u);
  EXPECT_EQ((*log)->LatestKinds().at("s1"), HumanDecision::kEdit);
  EXPECT_EQ((*log)->LatestKinds().size(), 2u);
  EXPECT_EQ((*log)->Recent(1).front().sample_id, "s2");
  EXPECT_FALSE((*log)->Latest("s3"));
  EXPECT_NE(FormatDecisionSummary(**log).find("3 decisions by 2 reviewer(s) on 2 samples"),
            std::string::npos)
      << FormatDecisionSummary(**log);
}

TEST(DecisionLog, RefusesADecisionMissingWhatItNeeds) {
  TempDir tmp;
  auto log = DecisionLog::Open(tmp.str(), true);
  ASSERT_TRUE(log.ok());
  auto reject = Decision("s1", HumanDecision::kReject);
  reject.reason = " ";
  auto edit = Decision("s1", HumanDecision::kEdit);
  edit.answer = "";
  auto nobody = Decision("s1", HumanDecision::kAccept, "");
  auto accept_with_answer = Decision("s1", HumanDecision::kAccept);
  accept_with_answer.answer = "x";
  auto bad_utf8 = Decision("s1", HumanDecision::kAccept, "\xff");
  for (const auto& [record, why] : std::vector<std::pair<DecisionRecord, std::string>>{
           {reject, "a reject needs a reason"},
           {edit, "an edit needs the corrected answer"},
           {nobody, "reviewer is empty"},
           {accept_with_answer, "only an edit"},
           {bad_utf8, "not valid UTF-8"}}) {
    const auto r = (*log)->Record(record);
    ASSERT_FALSE(r.ok()) << why;
    EXPECT_EQ(r.error().disposition, Disposition::kDeadLetter);
    EXPECT_NE(r.error().message.find(why), std::string::npos) << r.error().message;
  }
  EXPECT_EQ((*log)->size(), 0u);
  EXPECT_TRUE(Lines(tmp / "decisions.jsonl").empty());
}

TEST(DecisionLog, CutsATornLastLineAndNamesABadOne) {
  TempDir tmp;
  const std::string good = EncodeDecision(Decision("s1", HumanDecision::kAccept));
  std::ofstream(tmp / "decisions.jsonl") << good << "\n{\"sample_id\": \"s2\", \"deci";
  {
    auto log = DecisionLog::Open(tmp.str(), true);
    ASSERT_TRUE(log.ok()) << log.error().message;
    EXPECT_EQ((*log)->size(), 1u);
    ASSERT_TRUE((*log)->Record(Decision("s3", HumanDecision::kAccept)).ok());
  }
  const auto lines = Lines(tmp / "decisions.jsonl");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(DecodeDecision(lines[1]).ok()) << lines[1];

  std::ofstream(tmp / "decisions.jsonl", std::ios::app) << "{\"decision\": \"maybe\"}\n";
  auto bad = DecisionLog::Open(tmp.str(), false);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("decisions.jsonl:3: not a decision"), std::string::npos)
      << bad.error().message;
}

TEST(DecisionLog, RecordsEveryDecisionOfConcurrentReviewers) {
  TempDir tmp;
  auto log = DecisionLog::Open(tmp.str(), true);
  ASSERT_TRUE(log.ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto r = Decision("s" + std::to_string(i), HumanDecision::kEdit, "r" + std::to_string(t));
        r.answer = std::string(3000, static_cast<char>('a' + t));  // a long line
        EXPECT_TRUE((*log)->Record(r).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  const auto lines = Lines(tmp / "decisions.jsonl");
  ASSERT_EQ(lines.size(), 160u);
  std::map<std::string, std::string> last;  // by the file's order
  for (const auto& line : lines) {
    const auto r = DecodeDecision(line);
    ASSERT_TRUE(r.ok()) << line.substr(0, 100);
    EXPECT_EQ(r->answer, std::string(3000, r->answer[0]));  // never interleaved
    last[r->sample_id] = r->reviewer;
  }
  for (const auto& [id, reviewer] : last) EXPECT_EQ((*log)->Latest(id)->reviewer, reviewer);
}

}  // namespace
}  // namespace longforge::review
