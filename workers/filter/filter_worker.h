#pragma once
// filter: lf.answers → lf.dataset (accepted) | lf.rejected (rejected, review) |
// lf.subquestions (--level auto: a task asked again one level up, EscalationLevel).
// Every decision carries machine-readable reasons, several at once when they apply:
//   incomplete_reading, empty_answer, answer_too_short, answer_too_long, refusal,
//   language_mismatch, no_evidence, ungrounded, unsupported_by_notes, reference_mismatch
//   answerable_without_document, closed_book_unchecked (reject; the closed-book check,
//   closed_book.h); judge_disagrees (review). A task with a verifier (a reference computed from
//   the text) is checked by it instead of grounding and the judge (verifiers.h).

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "longforge/envelope/messages.h"
#include "longforge/kafka/handler.h"
#include "longforge/store/document_store.h"
#include "longforge/text/analyzer.h"
#include "longforge/text/segmenter.h"
#include "workers/filter/answer_judge.h"
#include "workers/filter/closed_book.h"
#include "workers/filter/filter_probe.h"

namespace longforge::workers {

struct FilterOptions {
  // Shorter answers, in bytes, are rejected (answer_too_short). Default 1.
  std::size_t min_answer_chars = 1;
  // Longer answers, in bytes, are rejected (answer_too_long). Default 8000.
  std::size_t max_answer_chars = 8000;
  // Answers longer than this, in bytes, are never read as refusals: a long answer that
  // says "not mentioned" usually answers in part. Default 300.
  std::size_t refusal_max_chars = 300;
  // The language check needs at least this many letters in both the question and the
  // answer; shorter texts ("1817", a name) never mismatch. Default 8.
  std::size_t min_language_letters = 8;
  // Minimum share of the answer's content terms found in the evidence, in [0, 1];
  // below it the answer is ungrounded. 0 disables. Default 0.5.
  double min_term_share = 0.5;
  // Minimum ROUGE-L recall of the answer against the evidence, in [0, 1]; below it
  // the answer is ungrounded. 0 disables. Default 0.3.
  double min_rouge_l_recall = 0.3;
  // With a reference: the rule check passes on a normalised exact match or a token F1
  // at least this, in [0, 1]. Default 0.5.
  double min_reference_f1 = 0.5;
  // --min-note-support: a global answer written without a verifier (arc, compare, causal,
  // supplied global questions) is rejected as unsupported_by_notes when fewer than this
  // share of its sentences are supported by one of its notes (NoteSupport), in [0, 1].
  // 0 disables. Default 0.8.
  double min_note_support = 0.8;
  // When the rule check and the LLM judge disagree: true sends the record to review
  // (judge_disagrees); false accepts it (the more lenient of the two). Default true.
  bool review_on_judge_disagreement = true;
  // --closed-book on|off: with an LLM, the closed-book check (closed_book.h) runs on every
  // record with a reference about to be accepted. Without an LLM it never runs. Default on.
  bool closed_book = true;
  // --max-unread-share: the share of a task's chunks it may leave unread (lost,
  // failed or malformed; see AnswerRecord) and still be accepted, in [0, 1]. Above
  // it the record is rejected as incomplete_reading: an unread chunk may hold the
  // answer or contradict it. Default 0: every chunk must be read.
  double max_unread_share = 0.0;

  // Every problem, one line each; empty when usable.
  std::vector<std::string> Validate() const;
};

// --level auto: the level a task whose answer was not accepted is asked again at (2
// after 1; 3 after 2 for a multi-hop question), or none (its record is rejected or sent
// to review as usual). Only tasks that cascade and know their chunk table go up.
std::optional<int> EscalationLevel(const envelope::Task& task);

// What the rules found in one record, before the LLM judge.
struct RuleCheck {
  std::vector<std::string> rejects;      // reject reasons other than reference_mismatch
  std::optional<bool> reference_passes;  // set when the task has a reference
  bool exact_match = false;              // normalised exact match with the reference
  std::optional<double> note_support;    // a global answer's NoteSupport, when measured
};

// The verdict of a rule check and an optional judge verdict (nullopt: no judge, or it
// gave none). Pure; exposed for tests.
envelope::Verdict Decide(const RuleCheck& check, std::optional<bool> judge,
                         const FilterOptions& options);

// Handle() finishes synchronously unless a judge is set and the record needs it (a
// reference, not an exact match, no other reject reason) or the closed-book check runs;
// then `done` runs on the LLM client's thread. Thread safety: Handle, HandleSync and Judge may be
// called from any thread (the analyzer is guarded). The worker must outlive every judge call it
// started: destroy the judge's chat client (which fails its outstanding calls) before the worker.
class FilterWorker final : public kafka::Handler {
 public:
  // All optional, and each must outlive the worker. `store`: the evidence spans' text
  // (document key TextKey(doc_id)) joins the quotes for the grounding check; without
  // it only the quotes count. A record whose spans cannot be read is never judged
  // without them: the store's error comes back, kRetry for an I/O error and
  // kDeadLetter for a document that is absent or shorter than a span. `judge`: an LLM
  // judge for records with a reference. `closed_book`: the closed-book check, asked for
  // every record with a reference the rules and judge accept; when its answer agrees with
  // the reference (the same rules and judge) the record is rejected as
  // answerable_without_document, and when the call fails as closed_book_unchecked.
  FilterWorker(FilterOptions options, FilterProbe* probe,
               const store::DocumentStore* store = nullptr, AnswerJudge* judge = nullptr,
               ClosedBook* closed_book = nullptr);

  void Handle(const kafka::InMessage& message, kafka::Done done) override;
  // The rules alone (never calls the judge), finished at once.
  Result<kafka::Outputs> HandleSync(const kafka::InMessage& message);
  // The rules' verdict alone; public for tests. Error: the evidence could not be read.
  Result<envelope::Verdict> Judge(const envelope::AnswerRecord& record) const;
  Result<RuleCheck> Check(const envelope::AnswerRecord& record) const;

 private:
  // The quotes, then the text of the evidence spans when there is a store.
  Result<std::string> EvidenceText(const envelope::AnswerRecord& record) const;
  kafka::Outputs Finish(envelope::AnswerRecord record, envelope::Verdict verdict) const;
  struct ReferenceCheck {
    bool passes = false;
    bool exact_match = false;  // or a verifier's verdict: no judge needed
  };
  // An answer against the task's reference (which must be set): its verifier, or a
  // normalised exact match, containment or token F1.
  ReferenceCheck CompareWithReference(const envelope::Task& task, const std::string& answer) const;
  // The closed-book check of a record about to be accepted, then Finish.
  void CheckClosedBook(envelope::AnswerRecord record, envelope::Verdict verdict,
                       kafka::Done done) const;
  void ClosedBookVerdict(envelope::AnswerRecord record, envelope::Verdict verdict, bool agrees,
                         kafka::Done done) const;

  FilterOptions options_;
  FilterProbe* probe_;
  const store::DocumentStore* store_;
  AnswerJudge* judge_;
  ClosedBook* closed_book_;
  mutable std::mutex analyzer_mu_;
  mutable text::Analyzer analyzer_;    // guarded by analyzer_mu_
  mutable text::Segmenter segmenter_;  // guarded by analyzer_mu_
};

}  // namespace longforge::workers
