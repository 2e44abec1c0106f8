#include <spdlog/spdlog.h>

#include <iostream>

#include "commands.h"
#include "common_flags.h"
#include "longforge/kafka/worker_runtime.h"
#include "longforge/metrics/worker_probe.h"

namespace longforge::app {
namespace {

struct WorkerArgs {
  CommonFlags common;
  PipelineConfig pipeline;
  std::string stage;
  std::string group;
};

// Default metrics port per stage, so several workers on one host do not collide: 9401
// chunker, 9402 questioner, 9403 relevance, 9404 answer, 9405 filter, 9406 sink, and
// 9407 for the mapper, which came later (ops/prometheus scrapes these).
int DefaultPort(PipelineStage stage) {
  switch (stage) {
    case PipelineStage::kChunker:
      return 9401;
    case PipelineStage::kQuestioner:
      return 9402;
    case PipelineStage::kRelevance:
      return 9403;
    case PipelineStage::kAnswer:
      return 9404;
    case PipelineStage::kFilter:
      return 9405;
    case PipelineStage::kSink:
      return 9406;
    case PipelineStage::kMapper:
      return 9407;
  }
  return 9400;
}

void RunStage(WorkerArgs& args) {
  // The command line only accepts stage names (CLI::IsMember(StageNames())).
  const PipelineStage id = *ParsePipelineStage(args.stage);
  std::vector<std::string> problems = args.pipeline.Validate({id});
  kafka::WorkerRuntimeOptions rt;
  rt.kafka = args.common.Kafka(problems);
  FailOnProblems("worker " + args.stage, problems);
  const auto fail = [](const std::string& msg) {
    std::cerr << "longforge worker: " << msg << "\n";
    throw CLI::RuntimeError(1);
  };
  auto metrics = metrics::MetricsServer::Start(args.common.metrics);
  if (!metrics) fail(metrics.error().message);
  auto store = store::DocumentStore::Open(args.common.store_dir);
  if (!store) fail(store.error().message);
  auto counter = text::LoadTokenCounter(args.common.tokenizer);
  if (!counter) fail(counter.error().message);
  const kafka::StageContext context{**store, **counter, (*metrics)->registry(), args.pipeline.llm,
                                    args.pipeline.max_in_flight};
  auto stage = StageFor(id).build(args.pipeline, context);
  if (!stage) fail(stage.error().message);
  metrics::WorkerProbe probe((*metrics)->registry(), id);
  rt.input_topics = (*stage)->inputs();
  rt.group_id = args.group;
  rt.loop.stage = id;
  rt.loop.max_in_flight = (*stage)->max_in_flight();
  // During an LLM outage the worker keeps retrying, and says so on /healthz.
  rt.loop.dependency = (*stage)->llm_health();
  (*metrics)->AddHealthCheck((*stage)->llm_health());
  spdlog::info("worker {} starting (tokenizer: {}, metrics and /healthz: {})", args.stage,
               (*counter)->Name(), (*metrics)->endpoint().empty() ? "off" : (*metrics)->endpoint());
  if (auto s = kafka::RunWorker(rt, (*stage)->handler(), &probe, StopFlag()); !s) {
    fail(s.error().message);
  }
  if (auto s = (*stage)->Finish(); !s) fail(s.error().message);
  spdlog::info("worker {} stopped", args.stage);
}

void AddStageOptions(CLI::App& cmd, WorkerArgs& args, int metrics_port) {
  AddKafkaFlags(cmd, args.common);
  AddStoreFlag(cmd, args.common);
  AddTokenizerFlag(cmd, args.common);
  AddMetricsFlags(cmd, args.common, metrics_port);
  AddPipelineFlags(cmd, args.pipeline);
  cmd.add_option("--group", args.group,
                 "Consumer group (default longforge-<stage>); copies in one group share the work");
}

}  // namespace

void AddWorkerCommand(CLI::App& app) {
  auto args = std::make_shared<WorkerArgs>();
  auto* cmd = app.add_subcommand(
      "worker",
      "Run one pipeline stage as its own process against any Kafka cluster: chunker, "
      "questioner, relevance, answer, filter or sink. Start more copies with the same --group "
      "to scale out (up to the input topic's partition count). Stops cleanly on SIGTERM.");
  cmd->add_option("stage", args->stage, "Stage name")
      ->required()
      ->check(CLI::IsMember(StageNames()));
  AddStageOptions(*cmd, *args, -1);  // -1: the stage's own default port
  cmd->callback([args] {
    if (args->common.metrics.port < 0) {
      args->common.metrics.port = DefaultPort(*ParsePipelineStage(args->stage));
    }
    RunStage(*args);
  });

  auto sink_args = std::make_shared<WorkerArgs>();
  auto* sink = app.add_subcommand(
      "sink",
      "Write accepted samples (and rejected ones, with reasons) as JSONL under --out; "
      "same as `worker sink`.");
  AddStageOptions(*sink, *sink_args, DefaultPort(PipelineStage::kSink));
  sink->callback([sink_args] {
    sink_args->stage = StageName(PipelineStage::kSink);
    RunStage(*sink_args);
  });
}

}  // namespace longforge::app
