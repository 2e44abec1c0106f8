#pragma once
// How much of an answer the evidence supports: the share of the answer's content terms
// (Analyzer: stemmed, stop-words removed, Chinese words) that occur in the evidence,
// and ROUGE-L recall of the answer's match tokens against the evidence's.

#include <string_view>

#include "longforge/text/analyzer.h"

namespace longforge::workers {

struct Grounding {
  double term_share = 1.0;      // in [0, 1]; 1 when the answer has no content terms
  double rouge_l_recall = 1.0;  // in [0, 1]; 1 when the answer has no tokens
};

// Not thread-safe in `analyzer` (see Analyzer); pure otherwise.
Grounding MeasureGrounding(text::Analyzer& analyzer, std::string_view answer,
                           std::string_view evidence);

}  // namespace longforge::workers
