#include <memory>
#include <mutex>
#include <set>

#include "longforge/common/strings.h"
#include "longforge/text/analyzer.h"
#include "longforge/text/segmenter.h"
#include "workers/answer/answer_backend.h"
#include "workers/answer/note_reducer.h"

namespace longforge::workers {
namespace {

class ExtractiveAnswer final : public AnswerBackend {
 public:
  std::string Name() const override { return "extractive (no LLM)"; }

  void Answer(const envelope::Task& task, std::vector<std::string> evidence,
              Callback done) override {
    std::string best;
    {
      std::lock_guard lock(mu_);
      const auto q = analyzer_.Analyze(task.question);
      const std::set<std::string> qterms(q.begin(), q.end());
      std::size_t best_shared = 0;
      // Evidence may be quotes, whole passages or a global task's notes (whose positions
      // are not part of the answer): answer with one sentence.
      for (auto& given : evidence) {
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
    }
    done(std::move(best), envelope::LlmUsage{});
  }

 private:
  std::mutex mu_;
  text::Analyzer analyzer_;
  text::Segmenter segmenter_;
};

}  // namespace

std::unique_ptr<AnswerBackend> MakeExtractiveAnswerBackend() {
  return std::make_unique<ExtractiveAnswer>();
}

}  // namespace longforge::workers
