#include <spdlog/spdlog.h>

#include <iostream>

#include "commands.h"
#include "run/pipeline_runner.h"

namespace longforge::app {
namespace {

void PrintSummary(const RunOutcome& o, const std::string& out_dir) {
  const auto& s = o.summary;
  std::cout << "longforge run summary\n"
            << "  backend:        " << o.backend << "\n"
            << "  tokenizer:      " << o.tokenizer << "\n"
            << "  kafka:          " << o.brokers << "\n"
            << "  documents:      " << s.documents << " (" << s.documents_dead_lettered
            << " dead-lettered, " << o.input_problems << " inputs rejected at ingest)\n"
            << "  tasks:          " << s.tasks << " (ended " << s.tasks_ended << ")\n"
            << "  accepted:       " << s.accepted << "\n"
            << "  rejected:       " << s.rejected << "\n";
  for (const auto& [reason, n] : s.rejected_by_reason) {
    std::cout << "    " << reason << ": " << n << "\n";
  }
  std::cout << "  review:         " << s.review << "\n"
            << "  unread chunks:  " << s.reading.Describe() << "\n"
            << "  dead-lettered:  " << s.tasks_dead_lettered << " tasks, " << s.dlq_records
            << " lf.dlq records\n"
            << "  llm calls:      " << s.llm_calls << " (" << s.cache_hits << " from cache), "
            << s.prompt_tokens << " prompt + " << s.completion_tokens << " completion tokens\n"
            << "  wall time:      " << o.seconds << " s\n"
            << "  output:         " << out_dir << "/dataset.jsonl, " << out_dir
            << "/rejected.jsonl, " << out_dir << "/" << kDeadLettersFile << "\n";
  for (const auto& n : s.notes) std::cout << "  note: " << n << "\n";
}

}  // namespace

void AddRunCommand(CLI::App& app) {
  auto opts = std::make_shared<RunOptions>();
  opts->pipeline.sink.sink.out_dir = "out";
  auto* cmd = app.add_subcommand(
      "run",
      "All-in-one for one machine: the embedded Kafka (or --brokers) and every stage in this "
      "process. Ingests --input, runs each document's questions through the pipeline and writes "
      "the dataset under --out. Exits when every task of every document has ended: 0 = all "
      "ended; 1 = could not run (an LLM URL that does not answer, or a document the broker "
      "refused, included), was interrupted, or an "
      "LLM stayed down longer than --llm-outage-timeout; 2 = finished, but inputs or documents "
      "were "
      "rejected or dead-lettered (see the summary). Running the same command again resumes: the "
      "sink skips samples already written.");
  cmd->add_option("--input,-i", opts->inputs, "Files, directories, .jsonl, or - for stdin")
      ->required();
  AddKafkaFlags(*cmd, opts->common);
  AddStoreFlag(*cmd, opts->common);
  AddTokenizerFlag(*cmd, opts->common);
  AddMetricsFlags(*cmd, opts->common, 0);
  AddPipelineFlags(*cmd, opts->pipeline);
  cmd->add_option("--max-open-documents", opts->max_open_documents,
                  "Documents in the pipeline at once (bounds every topic's backlog)")
      ->capture_default_str();
  cmd->add_option_function<std::string>(
         "--stdin-format", [opts](const std::string& f) { opts->stdin_jsonl = f == "jsonl"; },
         "For --input -: text (default, one document) or jsonl")
      ->check(CLI::IsMember({"text", "jsonl"}));
  cmd->add_flag("!--no-progress", opts->progress, "No progress line on the terminal");
  cmd->add_option("--report", opts->report_path,
                  "Also write a self-contained HTML report of the run (charts inline)");
  cmd->add_option("--llm-outage-timeout", opts->llm_outage_timeout_s,
                  "Seconds an LLM server may stay unreachable or failing (connection refused, "
                  "timeouts, 429, 5xx) in the middle of a run before the run stops with exit 1; "
                  "until then every call is retried. Running the same command again resumes "
                  "(LLM replies come back from the cache)")
      ->capture_default_str();
  auto no_cache = std::make_shared<bool>(false);
  cmd->add_flag("--no-cache", *no_cache, "Do not use the LLM response cache");
  cmd->callback([opts, no_cache] {
    if (*no_cache) {
      opts->pipeline.llm.cache_path.clear();
    } else if (opts->pipeline.llm.cache_path.empty()) {
      opts->pipeline.llm.cache_path = opts->common.store_dir + "/llm-cache.sqlite";
    }
    auto outcome = RunPipeline(*opts);
    spdlog::debug("pipeline torn down");
    if (!outcome) {
      std::cerr << "longforge run: " << outcome.error().message << "\n";
      throw CLI::RuntimeError(1);
    }
    PrintSummary(*outcome, opts->pipeline.sink.sink.out_dir);
    if (!outcome->delivery_failure.empty()) {
      std::cerr << "longforge run: " << outcome->delivery_failure << "\n";
      throw CLI::RuntimeError(1);
    }
    if (!outcome->llm_outage.empty()) {
      std::cerr << "longforge run: " << outcome->llm_outage << "\n";
      throw CLI::RuntimeError(1);
    }
    if (outcome->interrupted) {
      std::cerr << "longforge run: interrupted before every task ended; run it again to resume\n";
      throw CLI::RuntimeError(1);
    }
    const auto& s = outcome->summary;
    if (outcome->input_problems > 0 || s.documents_dead_lettered > 0 || s.tasks_dead_lettered > 0) {
      throw CLI::RuntimeError(2);
    }
  });
}

}  // namespace longforge::app
