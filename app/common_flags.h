#pragma once
// Flags shared by several subcommands, and the start-up they imply.

#include <CLI/CLI.hpp>

#include <atomic>
#include <string>
#include <vector>

#include "longforge/kafka/options.h"
#include "longforge/metrics/metrics_server.h"
#include "stages.h"

namespace longforge::app {

// Set by SIGINT/SIGTERM; every long-running command watches it.
std::atomic<bool>& StopFlag();
void InstallSignalHandlers();

struct CommonFlags {
  std::string brokers;                  // --brokers, or LONGFORGE_BROKERS
  std::vector<std::string> properties;  // -X key=value (librdkafka)
  std::string store_dir = "longforge-store";
  std::string tokenizer;  // --tokenizer PATH; empty = estimator
  metrics::MetricsOptions metrics;

  // Fills kafka options; every problem in `problems`.
  kafka::KafkaOptions Kafka(std::vector<std::string>& problems) const;
};

void AddKafkaFlags(CLI::App& cmd, CommonFlags& flags);
void AddStoreFlag(CLI::App& cmd, CommonFlags& flags);
void AddTokenizerFlag(CLI::App& cmd, CommonFlags& flags);
void AddMetricsFlags(CLI::App& cmd, CommonFlags& flags, int default_port);
void AddLlmFlags(CLI::App& cmd, llm::LlmConfig& config);
void AddPipelineFlags(CLI::App& cmd, PipelineConfig& config);

// Adds to every unsigned option of `app` and its subcommands a check that its value is a
// non-negative integer that fits: CLI11 2.1 reads "-5" as 2^64 - 5 and "1e30" as the
// largest value, which would reach Validate() as a misleading number or, where any
// value is allowed (--fan-out-bytes, --max-in-flight), silently mean "no bound".
void CheckUnsignedFlags(CLI::App& app);

// Prints every problem and throws CLI::RuntimeError(1) (could not run) when there are any.
void FailOnProblems(const std::string& command, const std::vector<std::string>& problems);

}  // namespace longforge::app
