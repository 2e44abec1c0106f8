#pragma once
// `longforge review DIR --write-final OUT`: the dataset with people's decisions applied.
// A sample is kept when its latest human decision is accept or edit, or when it has none
// and the sink accepted it; an edit's answer replaces the original. Kept samples are
// written to OUT/dataset.jsonl in one format, with `meta.human` (decision, reviewer,
// time, reason, and for an edit the original answer) on those a person decided; a kept
// sample that came from rejected.jsonl has its decision set to "accept" and keeps the
// filter's reasons. DIR is only read.

#include <optional>
#include <string>

#include "longforge/store/document_store.h"
#include "review/decision_log.h"
#include "review/sample_index.h"
#include "workers/sink/sink_stage.h"

namespace longforge::review {

struct FinalOptions {
  std::string out_dir;  // OUT: created if missing; must not be DIR
  // --format: the lines' format; nullopt: the format of DIR's accepted files (messages
  // when there are none).
  std::optional<workers::SampleFormat> format;
  // --context: what a sample kept from rejected.jsonl carries as context (its record has
  // none); nullopt: what DIR's accepted lines carry (full when there are none).
  std::optional<workers::SinkContext> context;
};

struct FinalSummary {
  std::string path;  // OUT/dataset.jsonl
  workers::SampleFormat format{};
  std::size_t written = 0;         // lines in it
  std::size_t human_accepted = 0;  // of them, accepted by a person (not edited)
  std::size_t edited = 0;          // of them, with an edited answer
  std::size_t human_rejected = 0;  // sink-accepted samples a person rejected (left out)
};

// Writes OUT/dataset.jsonl atomically (a temp file, fsync'ed, renamed). `store` is
// needed for context a kept rejected sample must be given (may be null otherwise).
// Error (kStop) names the file and line or the sample that could not be written.
Result<FinalSummary> WriteFinal(const SampleIndex& index, const DecisionLog& log,
                                const store::DocumentStore* store, const FinalOptions& options);

}  // namespace longforge::review
