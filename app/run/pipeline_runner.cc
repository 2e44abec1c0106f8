#include "run/pipeline_runner.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "longforge/kafka/consumer.h"
#include "longforge/kafka/dead_letter.h"
#include "longforge/kafka/embedded_broker.h"
#include "longforge/kafka/producer.h"
#include "longforge/kafka/topics.h"
#include "longforge/kafka/worker_runtime.h"
#include "longforge/metrics/worker_probe.h"
#include "producers/ingest/ingester.h"
#include "run/llm_outage.h"
#include "run/run_report.h"
#include "workers/sink/sink_stage.h"

namespace longforge::app {
namespace {

using Clock = std::chrono::steady_clock;

// Reads lf.tasks and lf.dlq into the tracker until `stop`; appends the lf.dlq records
// of this run to `dead_letters` as they come, since the embedded broker forgets them.
void Observe(const kafka::KafkaOptions& kopts, RunTracker& tracker, std::ofstream& dead_letters,
             const std::atomic<bool>& stop, Status& status) {
  kafka::ConsumerOptions copts;
  copts.group_id = "longforge-run-observer";
  copts.topics = {kafka::kTasks, kafka::kDlq};
  copts.assign_directly = true;
  copts.statistics_interval_ms = 0;
  auto consumer = kafka::Consumer::Create(kopts, copts, nullptr, nullptr);
  if (!consumer) {
    status = consumer.error();
    return;
  }
  while (!stop.load()) {
    auto polled = (*consumer)->Poll(std::chrono::milliseconds(10));
    if (!polled.ok() || !polled->has_value()) continue;
    const kafka::InMessage& msg = **polled;
    const std::string& value = msg.value;
    if (msg.topic == kafka::kTasks) {
      if (auto ledger = envelope::DecodeTaskLedger(value)) tracker.Ledger(*ledger);
      continue;
    }
    auto record = kafka::DecodeDeadLetter(value);
    if (!record) {
      spdlog::error("lf.dlq holds a record that cannot be read: {}", record.error().message);
      continue;
    }
    if (tracker.DeadLettered(*record)) {
      dead_letters << value << '\n' << std::flush;
      if (!dead_letters) spdlog::error("cannot write a dead letter to {}", kDeadLettersFile);
    }
  }
  (*consumer)->Close();
}

void PrintProgress(const RunTracker& tracker, Clock::time_point start) {
  const auto s = tracker.Summary();
  std::fprintf(stderr,
               "\r%5.0fs  documents %zu/%zu  tasks %zu/%zu  accepted %zu  rejected %zu  "
               "dead-lettered %zu   ",
               std::chrono::duration<double>(Clock::now() - start).count(), s.documents_ended,
               s.documents, s.tasks_ended, s.tasks, s.accepted, s.rejected + s.review,
               s.tasks_dead_lettered + s.documents_dead_lettered);
  std::fflush(stderr);
}

}  // namespace

Result<RunOutcome> RunPipeline(const RunOptions& options) {
  const auto start = Clock::now();
  std::vector<std::string> problems =
      options.pipeline.Validate({kPipelineStages.begin(), kPipelineStages.end()});
  if (options.inputs.empty()) problems.emplace_back("no --input given");
  if (options.max_open_documents < 1) problems.emplace_back("--max-open-documents must be >= 1");
  if (options.llm_outage_timeout_s < 1) problems.emplace_back("--llm-outage-timeout must be >= 1");
  std::unique_ptr<kafka::EmbeddedBroker> embedded;
  CommonFlags common = options.common;
  if (options.broker != nullptr) {
    common.brokers = options.broker->bootstraps();
  } else if (common.brokers.empty()) {
    auto broker = kafka::EmbeddedBroker::Start({});
    if (!broker) return broker.error();
    embedded = std::move(broker.value());
    common.brokers = embedded->bootstraps();
    spdlog::debug("embedded broker up on {}", common.brokers);
  }
  auto kopts = common.Kafka(problems);
  kopts.embedded = embedded != nullptr || options.broker != nullptr;
  if (!problems.empty()) {
    std::string msg = "invalid configuration:";
    for (const auto& p : problems) msg += "\n  - " + p;
    return Error::Stop(msg);
  }
  // A few seconds now instead of every call retrying against nothing later.
  if (auto s = CheckLlmServers(options.pipeline.llm, std::chrono::seconds(5)); !s) {
    return s.error();
  }
  auto metrics = metrics::MetricsServer::Start(common.metrics);
  if (!metrics) return metrics.error();
  auto store = store::DocumentStore::Open(common.store_dir);
  if (!store) return store.error();
  auto counter = text::LoadTokenCounter(common.tokenizer);
  if (!counter) return counter.error();

  // Rewritten by every run: a task dead-lettered before is tried again, so this run's
  // records are the ones that tell.
  const std::string& out_dir = options.pipeline.sink.sink.out_dir;
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  const std::string dead_letters_path = out_dir + "/" + kDeadLettersFile;
  std::ofstream dead_letters(dead_letters_path, std::ios::trunc);
  if (!dead_letters) return Error::Stop("--out: cannot write " + dead_letters_path);

  RunTracker tracker;
  PipelineConfig pipeline = options.pipeline;
  pipeline.sink.sink.on_record = [&tracker, &options](const envelope::SampleRecord& s) {
    if (tracker.Recorded(s) && options.on_sample) options.on_sample(s);
  };
  const kafka::StageContext context{**store, **counter, (*metrics)->registry(), pipeline.llm,
                                    pipeline.max_in_flight};
  std::vector<std::unique_ptr<kafka::Stage>> stages;
  std::vector<std::unique_ptr<metrics::WorkerProbe>> probes;
  std::vector<const DependencyHealth*> llm_healths;
  for (const StageEntry& entry : Stages()) {
    auto stage = entry.build(pipeline, context);
    if (!stage) return stage.error();
    llm_healths.push_back(stage.value()->llm_health());
    (*metrics)->AddHealthCheck(stage.value()->llm_health());
    stages.push_back(std::move(stage.value()));
    probes.push_back(std::make_unique<metrics::WorkerProbe>((*metrics)->registry(), entry.id));
  }
  spdlog::debug("stages created");
  auto producer = kafka::Producer::Create(kopts);
  if (!producer) return producer.error();
  if (auto s = (*producer)->CheckConnection(std::chrono::seconds(10)); !s) return s.error();
  spdlog::debug("producer connected");

  std::atomic<bool> stop_stages{false}, stop_observer{false};
  std::vector<Status> stage_status(stages.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    threads.emplace_back([&, i] {
      kafka::WorkerRuntimeOptions rt;
      rt.kafka = kopts;
      rt.input_topics = stages[i]->inputs();
      rt.assign_directly = true;
      const std::string name = StageName(stages[i]->id());
      rt.group_id = "longforge-" + name;
      rt.loop.stage = stages[i]->id();
      rt.loop.max_in_flight = stages[i]->max_in_flight();
      rt.loop.dependency = stages[i]->llm_health();
      stage_status[i] = kafka::RunWorker(rt, stages[i]->handler(), probes[i].get(), stop_stages);
      if (!stage_status[i].ok()) {
        spdlog::error("{}: {}", name, stage_status[i].error().message);
        StopFlag() = true;
      }
    });
  }
  Status observer_status;
  std::thread observer(
      [&] { Observe(kopts, tracker, dead_letters, stop_observer, observer_status); });
  spdlog::info("pipeline started on {}", common.brokers);

  RunOutcome outcome;
  std::mutex delivery_mu;
  std::string delivery_failure;  // guarded by delivery_mu
  producers::Ingester ingester(
      producers::IngestOptions{pipeline.chunker.max_document_bytes, options.stdin_jsonl}, **store,
      [&](const envelope::DocumentEvent& e) {
        tracker.WaitForRoom(options.max_open_documents, StopFlag());
        if (StopFlag().load()) return;
        tracker.Submitted(e.doc_id);
        (*producer)->Produce(
            kafka::kDocuments, e.doc_id, envelope::Encode(e),
            [&delivery_mu, &delivery_failure, doc_id = e.doc_id, source = e.source](Status s) {
              if (s.ok()) return;
              std::lock_guard lock(delivery_mu);
              if (delivery_failure.empty()) {
                delivery_failure = "document " + doc_id + " (" + source +
                                   ") could not be published to " + kafka::kDocuments + ": " +
                                   s.error().message;
              }
              StopFlag() = true;  // its tasks would never end: waiting would hang the run
            });
      });
  std::atomic<bool> ingest_finished{false};
  std::thread ingest([&] {
    for (const auto& p : options.inputs) {
      if (StopFlag().load()) break;
      ingester.IngestPath(p);
    }
    ingest_finished = true;
  });
  const bool tty = options.progress && ::isatty(STDERR_FILENO);
  auto last_progress = Clock::now();
  OutageWatch outage(llm_healths, options.llm_outage_timeout_s, pipeline.llm.cache_path);
  while (!StopFlag().load() && !(ingest_finished.load() && tracker.AllEnded())) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (auto why = outage.Check()) {
      outcome.llm_outage = std::move(*why);
      StopFlag() = true;  // also releases ingest waiting for room
      break;
    }
    if (tty && Clock::now() - last_progress > std::chrono::milliseconds(500)) {
      PrintProgress(tracker, start);
      last_progress = Clock::now();
    }
  }
  if (tty) {
    PrintProgress(tracker, start);
    std::fputc('\n', stderr);
  }
  outcome.interrupted = !(ingest_finished.load() && tracker.AllEnded());
  {
    std::lock_guard lock(delivery_mu);
    outcome.delivery_failure = delivery_failure;
  }
  spdlog::info("{}; stopping the stages", outcome.interrupted ? "interrupted" : "every task ended");
  ingest.join();
  stop_stages = true;
  for (auto& t : threads) t.join();
  spdlog::info("stages stopped");
  stop_observer = true;
  observer.join();
  spdlog::debug("observer stopped");
  for (std::size_t i = 0; i < stages.size(); ++i) {
    if (!stage_status[i].ok()) return stage_status[i].error();
  }
  if (!observer_status.ok()) return observer_status.error();

  outcome.summary = tracker.Summary();
  outcome.input_problems = ingester.problems().size();
  for (const auto& p : ingester.problems()) {
    outcome.summary.notes.push_back("input rejected: " + p.where + ": " + p.reason);
  }
  outcome.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  outcome.tokenizer = (*counter)->Name();
  outcome.backend = pipeline.llm.Describe();
  outcome.brokers =
      embedded || options.broker != nullptr ? "embedded (" + common.brokers + ")" : common.brokers;
  if (!outcome.interrupted) {
    for (auto& stage : stages) {
      if (auto s = stage->Finish(); !s) return s.error();
    }
  }
  if (!options.report_path.empty()) {
    ReportInput in;
    in.summary = outcome.summary;
    in.seconds = outcome.seconds;
    in.backend = outcome.backend;
    in.tokenizer = outcome.tokenizer;
    in.brokers = outcome.brokers;
    in.input_problems = outcome.input_problems;
    if (auto dataset = workers::ReadDatasetStats(out_dir); dataset.ok()) {
      in.evidence_depth = dataset->evidence_depth;
      in.skipped_windows = dataset->skipped;
    }
    std::ofstream out(options.report_path, std::ios::trunc);
    out << RenderRunReport(in, (*metrics)->registry());
    if (!out) return Error::Stop("--report " + options.report_path + ": cannot write");
  }
  return outcome;
}

}  // namespace longforge::app
