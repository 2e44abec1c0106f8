#include <spdlog/cfg/env.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "commands.h"
#include "common_flags.h"

int main(int argc, char** argv) {
  CLI::App app{
      "longforge — turns long documents into verified long-context training data with a "
      "short-context LLM, as Kafka workers. Start with `longforge run --input DIR --out DIR`."};
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  app.parse_complete_callback([&] {
    // Logs go to stderr: stdout carries results (bootstrap servers, summaries, counts).
    spdlog::set_default_logger(spdlog::stderr_color_mt("longforge"));
    spdlog::set_level(spdlog::level::from_str(log_level));
    spdlog::cfg::load_env_levels();  // SPDLOG_LEVEL overrides
  });
  longforge::app::AddRunCommand(app);
  longforge::app::AddAskCommand(app);
  longforge::app::AddStatsCommand(app);
  longforge::app::AddExportCommand(app);
  longforge::app::AddReviewCommand(app);
  longforge::app::AddIngestCommand(app);
  longforge::app::AddWorkerCommand(app);
  longforge::app::AddBrokerCommand(app);
  longforge::app::AddTokenizeCommand(app);
  longforge::app::CheckUnsignedFlags(app);
  longforge::app::InstallSignalHandlers();
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return app.exit(e);  // a command's own exit code, after it printed why
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; a wrong or missing argument could not run: 1.
    return app.exit(e) == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "longforge: internal error: " << e.what() << "\n";
    return 70;
  }
  return 0;
}
