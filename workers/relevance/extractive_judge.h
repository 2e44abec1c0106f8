#pragma once
// The extractive baseline (no LLM): a sentence is relevant when it shares enough
// content words (stemmed, stop-words removed) with the question. A question that quotes
// phrases ("How many chapters mention \"Queequeg\"?") asks about them instead: a sentence
// is relevant when it mentions a quoted name (text::IsNamePhrase, text::Mentions) or holds
// at least text::kMinEventShare of a longer quoted phrase's content terms; the first and the
// last relevant sentence of the chunk are always kept (where a name is first or last
// mentioned; which chapter a mention falls in), the best of the rest up to max_quoted_quotes.

#include <mutex>

#include "longforge/text/analyzer.h"
#include "longforge/text/segmenter.h"
#include "workers/relevance/relevance_judge.h"

namespace longforge::workers {

struct ExtractiveJudgeOptions {
  double min_overlap = 0.34;   // share of the question's content terms a sentence must contain
  std::size_t min_shared = 1;  // and at least this many shared terms
  std::size_t max_quotes = 4;  // best sentences kept per question
  // ... per question that quotes what it asks about: every mention may count (how many
  // chapters, the figure of each section), and a chunk may hold several chapters.
  std::size_t max_quoted_quotes = 16;
};

// Thread-safe (one analyzer and segmenter behind a mutex; the work is microseconds).
class ExtractiveJudge final : public RelevanceJudge {
 public:
  explicit ExtractiveJudge(ExtractiveJudgeOptions options = {});
  std::string Name() const override { return "extractive (no LLM)"; }
  void Judge(std::string chunk, std::vector<std::string> questions, Callback done) override;

 private:
  Judgement JudgeQuoted(std::string_view chunk, const std::vector<text::Span>& sentences,
                        const std::vector<std::vector<std::string>>& sentence_terms,
                        const std::vector<std::string>& phrases);
  Judgement JudgeOne(std::string_view chunk, const std::vector<text::Span>& sentences,
                     const std::vector<std::vector<std::string>>& sentence_terms,
                     const std::string& question);
  ExtractiveJudgeOptions options_;
  std::mutex mu_;
  text::Analyzer analyzer_;
  text::Segmenter segmenter_;
};

}  // namespace longforge::workers
