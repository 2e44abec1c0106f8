#include "workers/filter/grounding.h"

#include <string>
#include <unordered_set>

#include "longforge/text/text_match.h"

namespace longforge::workers {

Grounding MeasureGrounding(text::Analyzer& analyzer, std::string_view answer,
                           std::string_view evidence) {
  Grounding g;
  const auto answer_terms = analyzer.Analyze(answer);
  const std::unordered_set<std::string> unique(answer_terms.begin(), answer_terms.end());
  if (!unique.empty()) {
    const auto evidence_terms = analyzer.Analyze(evidence);
    const std::unordered_set<std::string> present(evidence_terms.begin(), evidence_terms.end());
    std::size_t found = 0;
    for (const auto& t : unique) found += present.count(t);
    g.term_share = static_cast<double>(found) / static_cast<double>(unique.size());
  }
  g.rouge_l_recall = text::RougeLRecall(text::MatchTokens(answer), text::MatchTokens(evidence));
  return g;
}

double NoteSupport(text::Analyzer& analyzer, text::Segmenter& segmenter, std::string_view answer,
                   const std::vector<std::string>& notes) {
  std::vector<std::unordered_set<std::string>> note_terms;
  note_terms.reserve(notes.size());
  for (const auto& n : notes) {
    const auto t = analyzer.Analyze(n);
    note_terms.emplace_back(t.begin(), t.end());
  }
  std::size_t counted = 0, supported = 0;
  for (const auto& span : segmenter.Sentences(answer)) {
    const auto t = analyzer.Analyze(span.In(answer));
    const std::unordered_set<std::string> terms(t.begin(), t.end());
    if (terms.size() < 2) continue;
    ++counted;
    for (const auto& note : note_terms) {
      std::size_t found = 0;
      for (const auto& term : terms) found += note.count(term);
      if (static_cast<double>(found) >= kSentenceSupport * static_cast<double>(terms.size())) {
        ++supported;
        break;
      }
    }
  }
  return counted == 0 ? 1.0 : static_cast<double>(supported) / static_cast<double>(counted);
}

}  // namespace longforge::workers
