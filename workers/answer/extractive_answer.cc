#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "longforge/common/strings.h"
#include "longforge/text/analyzer.h"
#include "longforge/text/mentions.h"
#include "longforge/text/segmenter.h"
#include "workers/answer/answer_backend.h"
#include "workers/answer/note_reducer.h"

namespace longforge::workers {
namespace {

// The extractive baseline's answers to the questions about the whole document that the
// questioner writes by rule (global_questions.h), from the notes of a global reading:
//   count       the number of distinct chapters among the notes that mention the quoted
//               name;
//   first_last  the chapter of the first (or, when the question says "last"/"最后", the
//               last) note that mentions it;
//   timeline    the letters of the quoted events ordered by the note that tells each best
//               (at least text::kMinEventShare of its content terms);
//   aggregate   the sum of the figures the notes state for the quoted label
//               (text::FigureFor), the first in each chapter.
// Empty when the notes do not give it (the record is then rejected as empty).
class RuleAnswers {
 public:
  RuleAnswers(text::Analyzer& analyzer, const envelope::Task& task,
              const std::vector<std::string>& evidence)
      : analyzer_(analyzer), task_(task) {
    for (const auto& e : evidence) {
      if (auto n = ParseRenderedNote(e)) notes_.push_back(std::move(*n));
    }
    phrases_ = text::QuotedPhrases(task.question);
  }

  std::optional<std::string> Answer() {
    if (task_.scope != envelope::Scope::kGlobal || task_.verifier.empty()) return std::nullopt;
    if (task_.type == "count") return Count();
    if (task_.type == "first_last") return FirstLast();
    if (task_.type == "timeline") return Timeline();
    if (task_.type == "aggregate") return Aggregate();
    return std::nullopt;
  }

 private:
  std::string Count() const {
    if (phrases_.empty()) return {};
    std::set<std::string> chapters;
    for (const auto& n : notes_) {
      if (!n.chapter.empty() && text::Mentions(n.text, phrases_.front()))
        chapters.insert(n.chapter);
    }
    return chapters.empty() ? std::string() : std::to_string(chapters.size());
  }

  std::string FirstLast() const {
    if (phrases_.empty()) return {};
    const bool last = task_.question.find("last time") != std::string::npos ||
                      task_.question.find("最后") != std::string::npos;
    std::string chapter;
    for (const auto& n : notes_) {
      if (n.chapter.empty() || !text::Mentions(n.text, phrases_.front())) continue;
      chapter = n.chapter;
      if (!last) break;
    }
    return chapter;
  }

  // The figure stated for the quoted label in each chapter (its first), added up.
  std::string Aggregate() const {
    if (phrases_.empty()) return {};
    std::map<std::string, long long> by_chapter;
    for (const auto& n : notes_) {
      if (n.chapter.empty() || by_chapter.contains(n.chapter)) continue;
      if (const auto f = text::FigureFor(n.text, phrases_.front()))
        by_chapter[n.chapter] = f->value;
    }
    if (by_chapter.empty()) return {};
    long long total = 0;
    for (const auto& [chapter, value] : by_chapter) total += value;
    return std::to_string(total);
  }

  std::string Timeline() const {
    if (phrases_.size() < 2 || phrases_.size() > 8) return {};
    std::vector<std::pair<std::size_t, char>> placed;  // (note, letter)
    for (std::size_t e = 0; e < phrases_.size(); ++e) {
      const auto wanted = analyzer_.Analyze(phrases_[e]);
      const std::set<std::string> terms(wanted.begin(), wanted.end());
      if (terms.empty()) return {};
      double best = 0;
      std::size_t at = notes_.size();
      for (std::size_t i = 0; i < notes_.size(); ++i) {
        const auto got = analyzer_.Analyze(notes_[i].text);
        const std::set<std::string> have(got.begin(), got.end());
        std::size_t shared = 0;
        for (const auto& t : terms) shared += have.contains(t) ? 1 : 0;
        const double share = double(shared) / double(terms.size());
        if (share >= text::kMinEventShare && share > best) {
          best = share;
          at = i;
        }
      }
      if (at == notes_.size()) return {};  // an event the notes do not tell
      placed.emplace_back(at, static_cast<char>('A' + e));
    }
    std::stable_sort(placed.begin(), placed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string answer;
    for (const auto& [note, letter] : placed) {
      if (!answer.empty()) answer += ", ";
      answer += letter;
    }
    return answer;
  }

  text::Analyzer& analyzer_;
  const envelope::Task& task_;
  std::vector<Note> notes_;
  std::vector<std::string> phrases_;
};

class ExtractiveAnswer final : public AnswerBackend {
 public:
  std::string Name() const override { return "extractive (no LLM)"; }

  void Answer(const envelope::Task& task, std::vector<std::string> evidence,
              Callback done) override {
    std::string best;
    {
      std::lock_guard lock(mu_);
      best = AnswerLocked(task, evidence);
    }
    done(std::move(best), envelope::LlmUsage{});
  }

 private:
  // The answer, with mu_ held.
  std::string AnswerLocked(const envelope::Task& task, const std::vector<std::string>& evidence) {
    if (auto ruled = RuleAnswers(analyzer_, task, evidence).Answer()) return std::move(*ruled);
    std::string best;
    const auto q = analyzer_.Analyze(task.question);
    const std::set<std::string> qterms(q.begin(), q.end());
    std::size_t best_shared = 0;
    // Evidence may be quotes, whole passages or a global task's notes (whose positions
    // are not part of the answer): answer with one sentence.
    for (const auto& given : evidence) {
      const std::string passage(task.scope == envelope::Scope::kGlobal ? NoteText(given) : given);
      for (const auto& span : segmenter_.Sentences(passage)) {
        const std::string_view sentence = TrimAsciiSpace(span.In(passage));
        std::set<std::string> shared;
        for (const auto& t : analyzer_.Analyze(sentence)) {
          if (qterms.contains(t)) shared.insert(t);
        }
        // Ties go to the earlier sentence: evidence is in document order.
        if (shared.size() > best_shared) {
          best_shared = shared.size();
          best = std::string(sentence);
        }
      }
    }
    // Like the extractive judge: a sentence sharing under a third of the question's
    // content terms does not answer it (the record is then rejected as empty).
    if (best_shared * 3 < qterms.size()) best.clear();
    return best;
  }

  std::mutex mu_;
  text::Analyzer analyzer_;
  text::Segmenter segmenter_;
};

}  // namespace

std::unique_ptr<AnswerBackend> MakeExtractiveAnswerBackend() {
  return std::make_unique<ExtractiveAnswer>();
}

}  // namespace longforge::workers
