#pragma once
// `longforge run --report FILE.html`: one self-contained HTML page (inline CSS and
// SVG charts, no external assets) describing a finished run.

#include <prometheus/registry.h>

#include <map>
#include <string>

#include "run/run_tracker.h"

namespace longforge::app {

struct ReportInput {
  RunSummary summary;
  double seconds = 0;
  std::string backend, tokenizer, brokers;
  std::size_t input_problems = 0;
  // From the dataset directory as `stats` reads it (this run's records and any earlier
  // run's there): where the evidence lies in accepted records' contexts, by tenth, and
  // --context window's skipped windows by reason.
  std::map<int, std::size_t> evidence_depth;
  std::map<std::string, std::size_t> skipped_windows;
};

// LLM calls and tokens per stage are read from `registry` (the run's own metrics).
std::string RenderRunReport(const ReportInput& input, const prometheus::Registry& registry);

}  // namespace longforge::app
