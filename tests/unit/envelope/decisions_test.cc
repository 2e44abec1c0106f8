#include "longforge/envelope/decisions.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "longforge/envelope/messages.h"

namespace longforge::envelope {
namespace {

template <typename E, std::size_t N, typename Parse>
void ExpectNamesRoundTrip(const std::array<E, N>& values, Parse parse,
                          const std::set<std::string>& expected) {
  std::set<std::string> names;
  for (E value : values) {
    names.insert(ToString(value));
    EXPECT_EQ(parse(ToString(value)), value) << ToString(value);
  }
  EXPECT_EQ(names, expected);
}

TEST(Decisions, NamesRoundTripAndAreTheWireStrings) {
  ExpectNamesRoundTrip(kRelevanceVerdicts, ParseRelevanceVerdict,
                       {"relevant", "none", "failed", "malformed", "unjudged", "not_asked"});
  ExpectNamesRoundTrip(kDecisions, ParseDecision, {"accept", "reject", "review"});
  ExpectNamesRoundTrip(kOrigins, ParseOrigin, {"supplied", "generated"});
}

TEST(Decisions, OtherStringsDoNotParse) {
  EXPECT_EQ(ParseRelevanceVerdict("Relevant"), std::nullopt);
  EXPECT_EQ(ParseRelevanceVerdict(""), std::nullopt);
  EXPECT_EQ(ParseDecision("accepted"), std::nullopt);
  EXPECT_EQ(ParseDecision("ACCEPT"), std::nullopt);
  EXPECT_EQ(ParseOrigin("user"), std::nullopt);
}

Task SomeTask() {
  Task t;
  t.task_id = "t1";
  t.doc_id = "d1";
  t.question = "Who?";
  return t;
}

// Replaces the first `"key":"from"` in `json` by `"key":"to"`.
std::string Replace(std::string json, const std::string& key, const std::string& from,
                    const std::string& to) {
  const std::string needle = "\"" + key + "\":\"" + from + "\"";
  const auto at = json.find(needle);
  EXPECT_NE(at, std::string::npos) << needle << " not in " << json;
  if (at != std::string::npos) json.replace(at, needle.size(), "\"" + key + "\":\"" + to + "\"");
  return json;
}

template <typename T>
void ExpectDeadLetterNaming(const longforge::Result<T>& r, const std::string& field,
                            const std::string& value) {
  ASSERT_FALSE(r.ok()) << "decoded an unknown " << field;
  EXPECT_EQ(r.error().disposition, Disposition::kDeadLetter);
  EXPECT_NE(r.error().message.find(field), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(value), std::string::npos) << r.error().message;
}

TEST(Decisions, UnknownDecisionIsADecodeError) {
  SampleRecord s;
  s.sample_id = "s1";
  s.record.task = SomeTask();
  s.verdict.decision = Decision::kAccept;
  const std::string good = Encode(s, "lf.dataset/v1");
  ASSERT_TRUE(DecodeSampleRecord(good).ok());
  ExpectDeadLetterNaming(DecodeSampleRecord(Replace(good, "decision", "accept", "maybe")),
                         "decision", "maybe");
}

TEST(Decisions, UnknownOriginIsADecodeError) {
  AnswerRecord a;
  a.task = SomeTask();
  a.task.origin = Origin::kGenerated;
  const std::string good = Encode(a);
  auto back = DecodeAnswerRecord(good);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->task.origin, Origin::kGenerated);
  ExpectDeadLetterNaming(DecodeAnswerRecord(Replace(good, "origin", "generated", "invented")),
                         "origin", "invented");
}

TEST(Decisions, UnknownRelevanceVerdictIsADecodeError) {
  RelevanceResult r;
  r.task = SomeTask();
  r.chunk_count = 1;
  r.verdict = RelevanceVerdict::kRelevant;
  const std::string good = Encode(r);
  ASSERT_TRUE(DecodeRelevanceResult(good).ok());
  ExpectDeadLetterNaming(DecodeRelevanceResult(Replace(good, "verdict", "relevant", "perhaps")),
                         "verdict", "perhaps");
}

TEST(Decisions, AbsentOriginMeansSupplied) {
  // Producers other than the questioner (kcat users, older messages) may leave it out.
  auto back = DecodeAnswerRecord(
      R"({"schema":"lf.answers/v1","task":{"task_id":"t","doc_id":"d","question":"q"},)"
      R"("answer":"a"})");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->task.origin, Origin::kSupplied);
}

}  // namespace
}  // namespace longforge::envelope
