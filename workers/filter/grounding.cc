#include "workers/filter/grounding.h"

#include <string>
#include <unordered_set>

#include "workers/filter/text_match.h"

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
  g.rouge_l_recall = RougeLRecall(MatchTokens(answer), MatchTokens(evidence));
  return g;
}

}  // namespace longforge::workers
