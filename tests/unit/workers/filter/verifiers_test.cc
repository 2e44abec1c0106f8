#include "workers/filter/verifiers.h"

#include <gtest/gtest.h>

#include "workers/filter/filter_worker.h"

namespace longforge::workers {
namespace {

TEST(OrderLetters, ReadsTheLettersInTheOrderTheAnswerNamesThem) {
  EXPECT_EQ(OrderLetters("C, A, D, B"), (std::vector<char>{'C', 'A', 'D', 'B'}));
  EXPECT_EQ(OrderLetters("(B) comes first, then (A), then (C)."), (std::vector<char>{'B', 'A', 'C'}));
  EXPECT_EQ(OrderLetters("C→A→B"), (std::vector<char>{'C', 'A', 'B'}));
  EXPECT_EQ(OrderLetters("C、A、B"), (std::vector<char>{'C', 'A', 'B'}));
  // Capitals inside words are not letters of the order; a repeat counts once.
  EXPECT_EQ(OrderLetters("Because B, then A, then B again"), (std::vector<char>{'B', 'A'}));
}

TEST(FirstNumber, ReadsDigitsWordsAndChineseNumerals) {
  EXPECT_EQ(FirstNumber("It is mentioned in 12 chapters."), 12);
  EXPECT_EQ(FirstNumber("1,204 times"), 1204);
  EXPECT_EQ(FirstNumber("3, 4 and 5"), 3);
  EXPECT_EQ(FirstNumber("Twelve chapters"), 12);
  EXPECT_EQ(FirstNumber("forty-two"), 42);
  EXPECT_EQ(FirstNumber("in twenty one chapters"), 21);
  EXPECT_EQ(FirstNumber("共有十二回"), 12);
  EXPECT_EQ(FirstNumber("两回"), 2);
  EXPECT_EQ(FirstNumber("一百零五"), 105);
  // "第三回" names a chapter; the count comes after it.
  EXPECT_EQ(FirstNumber("从第三回起，共七回"), 7);
  EXPECT_EQ(FirstNumber("Someone said so"), std::nullopt);
  EXPECT_EQ(FirstNumber("no number here"), std::nullopt);
}

TEST(NamesChapter, TheWholePathOrEachPartsLabel) {
  EXPECT_TRUE(NamesChapter("CHAPTER 3. The Spouter-Inn.", "CHAPTER 3. The Spouter-Inn."));
  EXPECT_TRUE(NamesChapter("It is first mentioned in Chapter 3.", "CHAPTER 3. The Spouter-Inn."));
  EXPECT_FALSE(NamesChapter("Chapter 33", "CHAPTER 3. The Spouter-Inn."));
  EXPECT_TRUE(NamesChapter("Book One, Chapter I", "BOOK ONE: 1805 / CHAPTER I"));
  EXPECT_FALSE(NamesChapter("Chapter I", "BOOK ONE: 1805 / CHAPTER I"));
  EXPECT_TRUE(NamesChapter("在第七回。", "第七回 送宫花贾琏戏熙凤　宴宁府宝玉会秦钟"));
  EXPECT_FALSE(NamesChapter("第十七回", "第七回 送宫花贾琏戏熙凤"));
}

TEST(Verify, EachVerifierPassesTheRightAnswerOnly) {
  EXPECT_TRUE(Verify("order", "C, A, D, B", "C, A, D, B")->passes);
  EXPECT_TRUE(Verify("order", "The order is C, A, D and then B.", "C, A, D, B")->passes);
  const auto wrong = Verify("order", "A, C, D, B", "C, A, D, B");
  EXPECT_FALSE(wrong->passes);
  EXPECT_EQ(wrong->why, "order ACDB, not CADB");
  EXPECT_FALSE(Verify("order", "C, A, D", "C, A, D, B")->passes);
  EXPECT_TRUE(Verify("number", "12", "12")->passes);
  EXPECT_TRUE(Verify("number", "twelve chapters", "12")->passes);
  EXPECT_FALSE(Verify("number", "13", "12")->passes);
  EXPECT_FALSE(Verify("number", "many", "12")->passes);
  EXPECT_TRUE(Verify("exact", "CHAPTER 74", "CHAPTER 74. The Sperm Whale's Head")->passes);
  EXPECT_FALSE(Verify("exact", "CHAPTER 73", "CHAPTER 74. The Sperm Whale's Head")->passes);
  EXPECT_EQ(Verify("regex", "a", "a"), std::nullopt);
  EXPECT_FALSE(IsKnownVerifier("regex"));
}

envelope::AnswerRecord Verified(std::string verifier, std::string answer, std::string reference) {
  envelope::AnswerRecord r;
  r.task.task_id = "t";
  r.task.doc_id = "d";
  r.task.scope = envelope::Scope::kGlobal;
  r.task.type = "count";
  r.task.question = "How many chapters mention \"Parsee\"? Answer with a number.";
  r.task.verifier = std::move(verifier);
  r.task.reference = std::move(reference);
  r.answer = std::move(answer);
  r.evidence = {{0, 10}};
  r.quotes = {"the Parsee passed silently"};
  r.chunks_total = 4;
  return r;
}

TEST(FilterWithVerifier, TheVerifierDecidesAndGroundingIsNotAsked) {
  FilterWorker filter({}, nullptr);
  // "9" shares no words with the evidence; the rule's verdict is what counts.
  const auto ok = filter.Judge(Verified("number", "9", "9")).value();
  EXPECT_EQ(ok.decision, envelope::Decision::kAccept);
  const auto wrong = filter.Judge(Verified("number", "10", "9")).value();
  EXPECT_EQ(wrong.decision, envelope::Decision::kReject);
  EXPECT_EQ(wrong.reasons, std::vector<std::string>{"reference_mismatch"});
  // Reading rules still apply.
  auto unread = Verified("number", "9", "9");
  unread.chunks_lost = 1;
  EXPECT_EQ(filter.Judge(unread)->reasons, std::vector<std::string>{"incomplete_reading"});
}

TEST(FilterWithVerifier, AnUnknownVerifierIsDeadLettered) {
  FilterWorker filter({}, nullptr);
  const auto r = filter.Judge(Verified("regex", "9", "9"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().disposition, Disposition::kDeadLetter);
  EXPECT_NE(r.error().message.find("verifier 'regex'"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace longforge::workers
