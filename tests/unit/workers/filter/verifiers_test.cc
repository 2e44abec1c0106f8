#include "workers/filter/verifiers.h"

#include <gtest/gtest.h>

#include "workers/filter/filter_worker.h"
#include "workers/filter/grounding.h"

namespace longforge::workers {
namespace {

TEST(OrderLetters, ReadsTheLettersInTheOrderTheAnswerNamesThem) {
  EXPECT_EQ(OrderLetters("C, A, D, B"), (std::vector<char>{'C', 'A', 'D', 'B'}));
  EXPECT_EQ(OrderLetters("(B) comes first, then (A), then (C)."),
            (std::vector<char>{'B', 'A', 'C'}));
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

namespace longforge::workers {
namespace {

TEST(NoteSupport, CountsTheSentencesOneNoteSupports) {
  text::Analyzer analyzer;
  text::Segmenter segmenter;
  const std::vector<std::string> notes = {"Pierre inherits a fortune from his father.",
                                          "Pierre is captured by the French at Moscow."};
  EXPECT_DOUBLE_EQ(NoteSupport(analyzer, segmenter,
                               "Pierre inherits a fortune. Later the French capture him at "
                               "Moscow. He marries Natasha in the end.",
                               notes),
                   2.0 / 3.0);
  // Sentences too short to judge are not counted.
  EXPECT_DOUBLE_EQ(NoteSupport(analyzer, segmenter, "Yes. Pierre inherits a fortune.", notes), 1.0);
  EXPECT_DOUBLE_EQ(NoteSupport(analyzer, segmenter, "Natasha sings at the opera.", notes), 0.0);
}

envelope::AnswerRecord GlobalRecord(std::string answer) {
  envelope::AnswerRecord r;
  r.task.task_id = "t";
  r.task.doc_id = "d";
  r.task.scope = envelope::Scope::kGlobal;
  r.task.type = "arc";
  r.task.question = "How does Pierre change over the novel?";
  r.answer = std::move(answer);
  r.evidence = {{0, 10}, {50, 60}};
  r.quotes = {"Pierre inherits a fortune from his father.",
              "Pierre is captured by the French at Moscow."};
  r.chunks_total = 4;
  return r;
}

TEST(FilterWithNotes, AGlobalAnswerNeedsEachSentenceSupportedByANote) {
  FilterOptions options;
  options.min_term_share = 0;  // the evidence here is the quotes alone
  options.min_rouge_l_recall = 0;
  FilterWorker filter(options, nullptr);
  const auto ok = filter
                      .Judge(GlobalRecord("Pierre inherits a fortune from his father. Then the "
                                          "French capture Pierre at Moscow."))
                      .value();
  EXPECT_EQ(ok.decision, envelope::Decision::kAccept);
  EXPECT_EQ(ok.note_support, 1.0);
  const auto weak = filter
                        .Judge(GlobalRecord("Pierre inherits a fortune from his father. He "
                                            "marries Natasha. He becomes a Freemason."))
                        .value();
  EXPECT_EQ(weak.decision, envelope::Decision::kReject);
  EXPECT_EQ(weak.reasons, std::vector<std::string>{"unsupported_by_notes"});
  ASSERT_TRUE(weak.note_support);
  EXPECT_NEAR(*weak.note_support, 1.0 / 3.0, 1e-9);
  // Recorded with the sample, and read back.
  envelope::SampleRecord sample;
  sample.sample_id = "s";
  sample.record = GlobalRecord("x");
  sample.verdict = weak;
  const auto back = envelope::DecodeSampleRecord(envelope::Encode(sample, "lf.rejected/v1"));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->verdict.note_support, weak.note_support);
  // A local answer is not measured.
  auto local = GlobalRecord("Pierre inherits a fortune from his father.");
  local.task.scope = envelope::Scope::kLocal;
  EXPECT_EQ(filter.Judge(local)->note_support, std::nullopt);
}

}  // namespace
}  // namespace longforge::workers
