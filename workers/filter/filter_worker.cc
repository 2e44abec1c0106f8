#include "workers/filter/filter_worker.h"

#include "longforge/kafka/topics.h"
#include "longforge/llm/usage.h"
#include "longforge/text/text_match.h"
#include "workers/filter/answer_rules.h"
#include "workers/filter/grounding.h"
#include "workers/filter/verifiers.h"

namespace longforge::workers {
namespace {

bool InUnitRange(double x) { return x >= 0.0 && x <= 1.0; }

}  // namespace

std::optional<int> EscalationLevel(const envelope::Task& task) {
  if (!task.cascade || task.chunks_ref.empty()) return std::nullopt;
  if (task.level == 1) return 2;
  if (task.level == 2 && task.type == "multi-hop") return 3;
  return std::nullopt;
}

std::vector<std::string> FilterOptions::Validate() const {
  std::vector<std::string> problems;
  if (max_answer_chars < min_answer_chars) {
    problems.emplace_back("max answer length is below the minimum");
  }
  if (!InUnitRange(min_term_share)) problems.emplace_back("min term share must be in [0, 1]");
  if (!InUnitRange(min_rouge_l_recall)) {
    problems.emplace_back("min ROUGE-L recall must be in [0, 1]");
  }
  if (!InUnitRange(min_reference_f1)) problems.emplace_back("min reference F1 must be in [0, 1]");
  if (!InUnitRange(min_note_support)) problems.emplace_back("--min-note-support must be in [0, 1]");
  if (!InUnitRange(max_unread_share)) problems.emplace_back("--max-unread-share must be in [0, 1]");
  return problems;
}

envelope::Verdict Decide(const RuleCheck& check, std::optional<bool> judge,
                         const FilterOptions& options) {
  envelope::Verdict v;
  v.reasons = check.rejects;
  v.note_support = check.note_support;
  bool review = false;
  if (check.reference_passes) {
    const bool rules = *check.reference_passes;
    if (!judge || *judge == rules) {
      if (!rules) v.reasons.emplace_back("reference_mismatch");
    } else if (options.review_on_judge_disagreement) {
      review = true;
    }
  }
  if (!v.reasons.empty()) {
    v.decision = envelope::Decision::kReject;
  } else if (review) {
    v.decision = envelope::Decision::kReview;
    v.reasons.emplace_back("judge_disagrees");
  } else {
    v.decision = envelope::Decision::kAccept;
  }
  return v;
}

FilterWorker::FilterWorker(FilterOptions options, FilterProbe* probe,
                           const store::DocumentStore* store, AnswerJudge* judge,
                           ClosedBook* closed_book)
    : options_(std::move(options)),
      probe_(probe),
      store_(store),
      judge_(judge),
      closed_book_(closed_book) {}

Result<std::string> FilterWorker::EvidenceText(const envelope::AnswerRecord& record) const {
  std::string text;
  for (const auto& q : record.quotes) text += q + "\n";
  if (store_ == nullptr) return text;
  const std::string key = store::DocumentStore::TextKey(record.task.doc_id);
  for (const auto& span : record.evidence) {
    // Judging by the quotes alone would accept answers the passages do not support.
    auto range = store_->GetRange(key, span.begin, span.end);
    if (!range.ok()) {
      return Error{range.error().disposition,
                   "filter: cannot read the evidence of task " + record.task.task_id +
                       " (document " + record.task.doc_id + ", bytes " +
                       std::to_string(span.begin) + "-" + std::to_string(span.end) +
                       "): " + range.error().message};
    }
    text += *range + "\n";
  }
  return text;
}

Result<RuleCheck> FilterWorker::Check(const envelope::AnswerRecord& record) const {
  RuleCheck c;
  const uint32_t unread = record.chunks_unread();
  if (unread > 0 && (record.chunks_total == 0 || static_cast<double>(unread) / record.chunks_total >
                                                     options_.max_unread_share)) {
    c.rejects.emplace_back("incomplete_reading");
  }
  const std::string& answer = record.answer;
  if (answer.empty()) {
    c.rejects.emplace_back("empty_answer");
  } else if (answer.size() < options_.min_answer_chars) {
    c.rejects.emplace_back("answer_too_short");
  }
  if (answer.size() > options_.max_answer_chars) c.rejects.emplace_back("answer_too_long");
  const bool refusal =
      !answer.empty() && answer.size() <= options_.refusal_max_chars && IsRefusal(answer);
  if (refusal) c.rejects.emplace_back("refusal");
  // The task's language was detected once, by the questioner; a task from before it
  // recorded one is checked against its question.
  const bool wrong_language =
      record.task.language.empty()
          ? LanguagesDiffer(record.task.question, answer, options_.min_language_letters)
          : AnswerLanguageDiffers(record.task.language, answer, options_.min_language_letters);
  if (!answer.empty() && wrong_language) {
    c.rejects.emplace_back("language_mismatch");
  }
  // A reference computed from the text is checked by its verifier alone: "C, A, B" or
  // "12" share no words with the evidence, and need not.
  const bool verified = !record.task.verifier.empty();
  if (verified && !IsKnownVerifier(record.task.verifier)) {
    return Error::DeadLetter("filter: task " + record.task.task_id + " has verifier '" +
                             record.task.verifier + "', which this build does not know");
  }
  if (record.evidence.empty()) {
    c.rejects.emplace_back("no_evidence");
  } else if (!answer.empty() && !refusal && !verified) {
    const auto evidence = EvidenceText(record);
    if (!evidence) return evidence.error();
    // Spans without quotes or a store cannot be read here: nothing to measure.
    if (!evidence->empty()) {
      Grounding g;
      {
        std::lock_guard lock(analyzer_mu_);
        g = MeasureGrounding(analyzer_, answer, evidence.value());
      }
      if (g.term_share < options_.min_term_share ||
          g.rouge_l_recall < options_.min_rouge_l_recall) {
        c.rejects.emplace_back("ungrounded");
      }
    }
    // A global answer rests on notes from the whole document: each of its sentences
    // should be supported by one of them, not only its words by all of them together.
    if (record.task.scope == envelope::Scope::kGlobal && !record.quotes.empty()) {
      std::lock_guard lock(analyzer_mu_);
      c.note_support = NoteSupport(analyzer_, segmenter_, answer, record.quotes);
      if (*c.note_support < options_.min_note_support) {
        c.rejects.emplace_back("unsupported_by_notes");
      }
    }
  }
  // A refusal is no answer to compare: refusal says it all.
  if (record.task.reference && !answer.empty() && !refusal) {
    const ReferenceCheck r = CompareWithReference(record.task, answer);
    c.exact_match = r.exact_match;
    c.reference_passes = r.passes;
  }
  return c;
}

FilterWorker::ReferenceCheck FilterWorker::CompareWithReference(const envelope::Task& task,
                                                                const std::string& answer) const {
  const std::string& reference = *task.reference;
  if (!task.verifier.empty()) {
    const auto v = Verify(task.verifier, answer, reference);
    return {v->passes, v->passes};  // a rule's verdict needs no judge
  }
  ReferenceCheck r;
  r.exact_match = text::NormalizeAnswer(answer) == text::NormalizeAnswer(reference);
  r.passes = r.exact_match || text::ContainsReference(answer, reference) ||
             text::TokenF1(answer, reference) >= options_.min_reference_f1;
  return r;
}

Result<envelope::Verdict> FilterWorker::Judge(const envelope::AnswerRecord& record) const {
  auto check = Check(record);
  if (!check) return check.error();
  return Decide(*check, std::nullopt, options_);
}

kafka::Outputs FilterWorker::Finish(envelope::AnswerRecord record,
                                    envelope::Verdict verdict) const {
  // A question the model answers without the document is no better one level up.
  if (verdict.decision != envelope::Decision::kAccept && !verdict.closed_book_answer) {
    if (const auto up = EscalationLevel(record.task)) {
      // Asked again one level up, as a task to read over every chunk (the questioner
      // fans lf.subquestions out); what this level cost travels with it.
      std::string why = "level " + std::to_string(record.task.level) + ":";
      for (const auto& r : verdict.reasons) why += " " + r;
      if (verdict.reasons.empty()) why += std::string(" ") + envelope::ToString(verdict.decision);
      if (probe_) probe_->Escalated(record.task.level, *up);
      envelope::SubQuestion again;
      again.task = std::move(record.task);
      again.task.escalations.push_back(std::move(why));
      again.task.level = *up;
      again.task.spent = record.usage;
      const std::string key = again.task.doc_id;
      return kafka::Outputs{{kafka::kSubquestions, key, envelope::Encode(again)}};
    }
  }
  envelope::SampleRecord sample;
  sample.sample_id = envelope::SampleIdOf(record.task.task_id);
  sample.verdict = std::move(verdict);
  sample.record = std::move(record);
  if (probe_) {
    if (sample.verdict.reasons.empty()) probe_->Decision(sample.verdict.decision, "ok");
    for (const auto& r : sample.verdict.reasons) probe_->Decision(sample.verdict.decision, r);
  }
  const bool accepted = sample.verdict.decision == envelope::Decision::kAccept;
  return kafka::Outputs{{accepted ? kafka::kDataset : kafka::kRejected, sample.sample_id,
                         envelope::Encode(sample, accepted ? "lf.dataset/v1" : "lf.rejected/v1")}};
}

Result<kafka::Outputs> FilterWorker::HandleSync(const kafka::InMessage& message) {
  auto record = envelope::DecodeAnswerRecord(message.value);
  if (!record) return record.error();
  auto verdict = Judge(*record);
  if (!verdict) return verdict.error();
  return Finish(std::move(record.value()), std::move(verdict.value()));
}

void FilterWorker::Handle(const kafka::InMessage& message, kafka::Done done) {
  auto record = envelope::DecodeAnswerRecord(message.value);
  if (!record) {
    done(record.error());
    return;
  }
  auto checked = Check(*record);
  if (!checked) {
    done(checked.error());
    return;
  }
  RuleCheck check = std::move(checked.value());
  const bool needs_judge = judge_ != nullptr && check.reference_passes.has_value() &&
                           !check.exact_match && check.rejects.empty();
  if (!needs_judge) {
    envelope::Verdict verdict = Decide(check, std::nullopt, options_);
    CheckClosedBook(std::move(record.value()), std::move(verdict), std::move(done));
    return;
  }
  std::string question = record->task.question;
  std::string reference = *record->task.reference;
  std::string answer = record->answer;
  judge_->Judge(
      std::move(question), std::move(reference), std::move(answer),
      [this, check = std::move(check), rec = std::move(record.value()), done = std::move(done)](
          std::optional<bool> equivalent, envelope::LlmUsage usage) mutable {
        llm::AddUsage(rec.usage, usage);  // the sample's cost includes its judge
        CheckClosedBook(std::move(rec), Decide(check, equivalent, options_), std::move(done));
      });
}

void FilterWorker::CheckClosedBook(envelope::AnswerRecord record, envelope::Verdict verdict,
                                   kafka::Done done) const {
  // Only a sample about to be accepted is worth the call, and only a reference says
  // whether the closed-book answer is right.
  if (closed_book_ == nullptr || verdict.decision != envelope::Decision::kAccept ||
      !record.task.reference) {
    done(Finish(std::move(record), std::move(verdict)));
    return;
  }
  std::string question = record.task.question;
  std::string language = record.task.language;
  closed_book_->Ask(
      std::move(question), std::move(language),
      [this, rec = std::move(record), verdict = std::move(verdict), done = std::move(done)](
          std::optional<std::string> answer, envelope::LlmUsage usage) mutable {
        llm::AddUsage(rec.usage, usage);
        if (!answer) {
          // Unchecked is not accepted: the sample may teach nothing about reading.
          if (probe_) probe_->ClosedBook("failed");
          verdict.decision = envelope::Decision::kReject;
          verdict.reasons = {"closed_book_unchecked"};
          verdict.closed_book_answer = "";
          done(Finish(std::move(rec), std::move(verdict)));
          return;
        }
        verdict.closed_book_answer = *answer;
        const bool refusal =
            answer->empty() || (answer->size() <= options_.refusal_max_chars && IsRefusal(*answer));
        const ReferenceCheck rules =
            refusal ? ReferenceCheck{} : CompareWithReference(rec.task, *answer);
        if (refusal || rules.exact_match || judge_ == nullptr) {
          ClosedBookVerdict(std::move(rec), std::move(verdict), rules.passes, std::move(done));
          return;
        }
        // The filter's judge decides as it does for the sample's own answer; without a
        // verdict from it the rules decide.
        std::string q = rec.task.question;
        std::string reference = *rec.task.reference;
        judge_->Judge(std::move(q), std::move(reference), std::move(*answer),
                      [this, rec = std::move(rec), verdict = std::move(verdict),
                       done = std::move(done), passes = rules.passes](
                          std::optional<bool> equivalent, envelope::LlmUsage usage) mutable {
                        llm::AddUsage(rec.usage, usage);
                        ClosedBookVerdict(std::move(rec), std::move(verdict),
                                          equivalent.value_or(passes), std::move(done));
                      });
      });
}

void FilterWorker::ClosedBookVerdict(envelope::AnswerRecord record, envelope::Verdict verdict,
                                     bool agrees, kafka::Done done) const {
  if (probe_) probe_->ClosedBook(agrees ? "agrees" : "differs");
  if (agrees) {
    verdict.decision = envelope::Decision::kReject;
    verdict.reasons = {"answerable_without_document"};
  }
  done(Finish(std::move(record), std::move(verdict)));
}

}  // namespace longforge::workers
