#pragma once
// Each subcommand of the `longforge` binary registers itself on the CLI11 app. A
// command fails by throwing CLI::RuntimeError(exit code) after printing why;
// business logic lives in the libraries, not here.

#include <CLI/CLI.hpp>

namespace longforge::app {

void AddBrokerCommand(CLI::App& app);
void AddIngestCommand(CLI::App& app);
void AddWorkerCommand(CLI::App& app);  // also registers `sink`
void AddRunCommand(CLI::App& app);
void AddTokenizeCommand(CLI::App& app);
void AddAskCommand(CLI::App& app);
void AddStatsCommand(CLI::App& app);
void AddExportCommand(CLI::App& app);
void AddReviewCommand(CLI::App& app);

}  // namespace longforge::app
