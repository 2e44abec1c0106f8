#pragma once
// `longforge run`: every stage in one process (partitions assigned directly, no
// group joins), on the embedded broker unless --brokers is given; ingests the
// inputs with a bounded number of documents open at once, and returns when every
// task of every document has ended.

#include <functional>
#include <string>
#include <vector>

#include "common_flags.h"
#include "longforge/kafka/embedded_broker.h"
#include "run/run_tracker.h"

namespace longforge::app {

// The lf.dlq records of a run (schemas/lf.dlq/v1), one per line, under --out: the
// tasks and documents that ended dead-lettered, each with its reason.
inline constexpr const char* kDeadLettersFile = "dead-letters.jsonl";

struct RunOptions {
  CommonFlags common;
  PipelineConfig pipeline;
  std::vector<std::string> inputs;
  std::size_t max_open_documents = 4;  // --max-open-documents: bounds every backlog
  bool progress = true;                // progress line on a terminal (stderr)
  bool stdin_jsonl = false;            // --stdin-format jsonl: "-" is JSONL, not one text
  std::string report_path;             // --report: write an HTML report of the run here
  // --llm-outage-timeout: seconds an LLM server may stay down mid-run before the run
  // stops (exit 1); default 300.
  int llm_outage_timeout_s = 300;
  // Tests: run on this embedded broker (faults injected into it) instead of starting
  // one; it must outlive the run. Null: start one unless common.brokers is set.
  kafka::EmbeddedBroker* broker = nullptr;
  // Called with the record that ended each task of the run (accepted, rejected or for
  // review; once per task), on the sink's thread; RunPipeline returns after the last
  // call. Empty: not called.
  std::function<void(const envelope::SampleRecord&)> on_sample;
};

struct RunOutcome {
  RunSummary summary;
  std::size_t input_problems = 0;  // inputs ingest rejected
  double seconds = 0;
  std::string tokenizer;
  std::string backend;
  std::string brokers;
  bool interrupted = false;
  // Set when the run stopped because an LLM stayed down: why, and how to resume.
  std::string llm_outage;
  // Set when a document event could not be published (the run stopped at once rather
  // than wait for a document the pipeline never got): says which and why.
  std::string delivery_failure;
};

// Error (kStop) for start-up failures: broker, store, output directory, tokenizer, an
// LLM server that does not answer or refuses the key (checked before ingesting).
Result<RunOutcome> RunPipeline(const RunOptions& options);

}  // namespace longforge::app
