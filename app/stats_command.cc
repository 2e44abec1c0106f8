#include <iostream>

#include "commands.h"
#include "review/decision_log.h"
#include "workers/sink/sink_stage.h"

namespace longforge::app {

void AddStatsCommand(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "stats",
      "Summarise a dataset directory written by the sink: counts by question type, "
      "origin, decision and reason, length histograms, LLM cost per accepted sample, and "
      "the decisions people made in `longforge review` (DIR/decisions.jsonl).");
  cmd->add_option("dir", *dir, "Directory holding dataset.jsonl and rejected.jsonl")->required();
  cmd->callback([dir] {
    auto stats = workers::ReadDatasetStats(*dir);
    if (!stats) {
      std::cerr << "longforge stats: " << stats.error().message << "\n";
      throw CLI::RuntimeError(1);
    }
    std::cout << workers::FormatDatasetStats(*stats);
    auto decisions = review::DecisionLog::Open(*dir, /*writable=*/false);
    if (!decisions) {
      std::cerr << "longforge stats: " << decisions.error().message << "\n";
      throw CLI::RuntimeError(1);
    }
    std::cout << review::FormatDecisionSummary(**decisions);
  });
}

}  // namespace longforge::app
