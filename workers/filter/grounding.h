#pragma once
// How much of an answer the evidence supports: the share of the answer's content terms
// (Analyzer: stemmed, stop-words removed, Chinese words) that occur in the evidence,
// and ROUGE-L recall of the answer's match tokens against the evidence's; and how many
// of an answer's sentences a global reading's notes support.

#include <string>
#include <string_view>
#include <vector>

#include "longforge/text/analyzer.h"
#include "longforge/text/segmenter.h"

namespace longforge::workers {

struct Grounding {
  double term_share = 1.0;      // in [0, 1]; 1 when the answer has no content terms
  double rouge_l_recall = 1.0;  // in [0, 1]; 1 when the answer has no tokens
};

// Not thread-safe in `analyzer` (see Analyzer); pure otherwise.
Grounding MeasureGrounding(text::Analyzer& analyzer, std::string_view answer,
                           std::string_view evidence);

// A sentence of an answer is supported by a note that holds at least this share of the
// sentence's content terms.
inline constexpr double kSentenceSupport = 0.5;

// The share of the answer's sentences (text::Segmenter) that one of `notes` supports
// (kSentenceSupport); sentences with fewer than two content terms ("Yes.", "第三回。")
// are not counted, and an answer without counted sentences is wholly supported (1).
// Not thread-safe in `analyzer` or `segmenter`.
double NoteSupport(text::Analyzer& analyzer, text::Segmenter& segmenter, std::string_view answer,
                   const std::vector<std::string>& notes);

}  // namespace longforge::workers
