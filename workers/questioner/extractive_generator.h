#pragma once
// Questions without an LLM: deterministic rules over the sampled chunk's sentences.
// The most content-rich plain sentence (enough content words, not dialogue, not first
// or second person, not opening with a pronoun, of reasonable length) becomes
//   - a who-question when it opens with a capitalised name ("Karl Drais built …" →
//     "Who built …?"),
//   - an in-what-year / how-many echo question around a year or a count (English;
//     Chinese "1817年" → "哪一年", "30名" → "多少名"),
//   - else a cloze ("Fill in the blank: … ____ …" / "填空：…____…"), the removed span
//     (a name: type fact; a number: number; else the longest content word: cloze),
// always with the removed span as the reference. Two chunks give one multi-hop
// question joining a cloze from each. Questions quote the sentence whole, so they
// never refer to "this passage".

#include <mutex>
#include <optional>

#include "longforge/text/analyzer.h"
#include "longforge/text/segmenter.h"
#include "workers/questioner/question_generator.h"

namespace longforge::workers {

class ExtractiveQuestionGenerator final : public QuestionGenerator {
 public:
  static constexpr const char* kName = "extractive (no LLM)";

  // Throws std::runtime_error when ICU data cannot be loaded (start-up failure).
  ExtractiveQuestionGenerator();

  std::string Name() const override { return kName; }
  // Synchronous: `cb` runs before Generate returns. Skips with "no usable sentence".
  void Generate(QuestionSample sample, Callback cb) override;

  // The question one chunk gives (cloze_only: the cloze rule only). Public for tests.
  std::optional<GeneratedQuestion> FromChunk(const SourceChunk& chunk, bool cloze_only = false);

 private:
  std::mutex mu_;  // guards the ICU state below (not thread-safe)
  text::Segmenter segmenter_;
  text::Analyzer analyzer_;
};

}  // namespace longforge::workers
