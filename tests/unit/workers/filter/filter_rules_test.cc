// Golden tests of the filter's rules: tests/fixtures/filter/cases.jsonl holds one
// hand-written case a line (record fields, expected decision and reasons).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "longforge/kafka/topics.h"
#include "workers/filter/filter_worker.h"

namespace longforge::workers {
namespace {

struct Case {
  std::string name;
  envelope::AnswerRecord record;
  envelope::Decision expect = envelope::Decision::kReject;
  std::vector<std::string> reasons;
};

std::vector<Case> LoadCases() {
  std::ifstream in(LONGFORGE_SOURCE_DIR "/tests/fixtures/filter/cases.jsonl");
  std::vector<Case> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    Case c;
    c.name = j.at("name");
    c.record.task.task_id = "task-" + c.name;
    c.record.task.doc_id = "doc";
    c.record.task.question = j.at("question");
    if (j.contains("reference")) c.record.task.reference = j.at("reference").get<std::string>();
    c.record.answer = j.at("answer");
    c.record.quotes = j.value("quotes", std::vector<std::string>{});
    const auto spans = j.value("spans", std::vector<std::vector<uint64_t>>{{0, 100}});
    for (const auto& s : spans) c.record.evidence.push_back({s.at(0), s.at(1)});
    const auto expect = envelope::ParseDecision(j.at("expect").get<std::string>());
    EXPECT_TRUE(expect.has_value()) << c.name << ": unknown decision " << j.at("expect");
    c.expect = expect.value_or(envelope::Decision::kReject);
    c.reasons = j.at("reasons").get<std::vector<std::string>>();
    cases.push_back(std::move(c));
  }
  return cases;
}

TEST(FilterRules, GoldenCases) {
  const auto cases = LoadCases();
  ASSERT_GE(cases.size(), 20u);
  FilterWorker filter({}, nullptr);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto v = filter.Judge(c.record).value();
    EXPECT_EQ(v.decision, c.expect);
    EXPECT_EQ(v.reasons, c.reasons);
    auto out = filter.HandleSync({kafka::kAnswers, 0, 0, "", envelope::Encode(c.record)});
    ASSERT_TRUE(out.ok()) << out.error().message;
    ASSERT_EQ(out->size(), 1u);
    EXPECT_EQ(out->at(0).topic,
              c.expect == envelope::Decision::kAccept ? kafka::kDataset : kafka::kRejected);
  }
}

TEST(FilterRules, GoldenCasesCoverEveryRuleInBothLanguages) {
  std::set<std::string> seen;
  for (const auto& c : LoadCases()) {
    const std::string lang = c.name.substr(0, 2);
    seen.insert(lang + ":" + envelope::ToString(c.expect));
    for (const auto& r : c.reasons) seen.insert(lang + ":" + r);
  }
  for (const char* lang : {"en", "zh"}) {
    for (const char* what : {"accept", "reject", "refusal", "no_evidence", "ungrounded",
                             "language_mismatch", "reference_mismatch"}) {
      EXPECT_TRUE(seen.count(std::string(lang) + ":" + what)) << lang << " " << what;
    }
  }
}

TEST(FilterRules, ThresholdsChangeTheGroundingVerdict) {
  envelope::AnswerRecord r;
  r.task.question = "Who invented the bicycle?";
  r.answer = "Karl Drais invented it in Mannheim.";
  r.quotes = {"The bicycle was invented in 1817 by Karl Drais."};
  r.evidence = {{0, 10}};
  FilterOptions strict;
  strict.min_term_share = 0.9;
  EXPECT_EQ(FilterWorker(strict, nullptr).Judge(r)->reasons,
            std::vector<std::string>{"ungrounded"});
  FilterOptions lax;
  lax.min_term_share = 0.0;
  lax.min_rouge_l_recall = 0.0;
  EXPECT_EQ(FilterWorker(lax, nullptr).Judge(r)->decision, envelope::Decision::kAccept);
}

TEST(FilterRules, LongAnswersAreNotReadAsRefusals) {
  envelope::AnswerRecord r;
  r.task.question = "Who invented the bicycle?";
  r.answer = "Karl Drais invented the bicycle; its colour is not mentioned.";
  r.quotes = {"Karl Drais invented the bicycle; its colour is not mentioned anywhere."};
  r.evidence = {{0, 10}};
  FilterOptions options;
  EXPECT_EQ(FilterWorker(options, nullptr).Judge(r)->reasons, std::vector<std::string>{"refusal"});
  options.refusal_max_chars = 40;
  EXPECT_EQ(FilterWorker(options, nullptr).Judge(r)->decision, envelope::Decision::kAccept);
}

TEST(FilterRules, EvidenceSpansAreReadFromTheStore) {
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("lf-filter-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  auto store = store::DocumentStore::Open(dir.string());
  ASSERT_TRUE(store.ok()) << store.error().message;
  const std::string text = "Chapter one. The bicycle was invented in 1817 by Karl Drais. The end.";
  ASSERT_TRUE((*store)->Put(store::DocumentStore::TextKey("doc"), text).ok());
  envelope::AnswerRecord r;
  r.task.doc_id = "doc";
  r.task.question = "Who invented the bicycle?";
  r.evidence = {{13, 60}};  // no quotes: only the span's text can ground the answer
  FilterWorker filter({}, nullptr, store->get());
  r.answer = "Karl Drais invented it.";
  EXPECT_EQ(filter.Judge(r)->decision, envelope::Decision::kAccept);
  r.answer = "Thomas Edison invented it in his laboratory.";
  EXPECT_EQ(filter.Judge(r)->reasons, std::vector<std::string>{"ungrounded"});
  // Without the store the span cannot be read: nothing to measure, no grounding reason.
  EXPECT_EQ(FilterWorker({}, nullptr).Judge(r)->decision, envelope::Decision::kAccept);
  std::filesystem::remove_all(dir);
}

// A record that left chunks unread is rejected, whatever the rest says, unless the
// share allowed covers it; every other check still runs and adds its reasons.
TEST(FilterRules, UnreadChunksRejectAsIncompleteReading) {
  envelope::AnswerRecord r;
  r.task.question = "Who invented the bicycle?";
  r.answer = "Karl Drais invented the bicycle.";
  r.quotes = {"The bicycle was invented in 1817 by Karl Drais."};
  r.evidence = {{0, 10}};
  r.chunks_total = 219;
  EXPECT_EQ(FilterWorker({}, nullptr).Judge(r)->decision, envelope::Decision::kAccept);
  for (uint32_t envelope::AnswerRecord::*field :
       {&envelope::AnswerRecord::chunks_lost, &envelope::AnswerRecord::chunks_failed,
        &envelope::AnswerRecord::chunks_malformed}) {
    envelope::AnswerRecord unread = r;
    unread.*field = 1;
    EXPECT_EQ(FilterWorker({}, nullptr).Judge(unread)->reasons,
              std::vector<std::string>{"incomplete_reading"});
  }
  r.chunks_lost = 60;
  r.chunks_failed = 5;
  r.chunks_malformed = 2;  // 67 of 219: 30.6 %
  FilterOptions lenient;
  lenient.max_unread_share = 0.3;
  EXPECT_EQ(FilterWorker(lenient, nullptr).Judge(r)->reasons,
            std::vector<std::string>{"incomplete_reading"});
  lenient.max_unread_share = 0.31;
  EXPECT_EQ(FilterWorker(lenient, nullptr).Judge(r)->decision, envelope::Decision::kAccept);
  r.answer.clear();
  EXPECT_EQ(FilterWorker({}, nullptr).Judge(r)->reasons,
            (std::vector<std::string>{"incomplete_reading", "empty_answer"}));
}

TEST(FilterOptions, ValidateListsEveryProblem) {
  FilterOptions options;
  EXPECT_TRUE(options.Validate().empty());
  options.min_answer_chars = 10;
  options.max_answer_chars = 5;
  options.min_term_share = 1.5;
  options.min_rouge_l_recall = -0.1;
  options.min_reference_f1 = 2;
  options.max_unread_share = 1.5;
  EXPECT_EQ(options.Validate().size(), 5u);
}

}  // namespace
}  // namespace longforge::workers
