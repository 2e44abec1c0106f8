#pragma once
// Runs one worker (a Handler) against Kafka: producer, consumer and run loop wired
// together. `longforge worker NAME` runs one per process; `longforge run` runs one
// per stage, each on its own thread.

#include <atomic>
#include <string>
#include <vector>

#include "longforge/kafka/handler.h"
#include "longforge/kafka/options.h"
#include "longforge/kafka/run_loop.h"
#include "longforge/metrics/worker_probe.h"

namespace longforge::kafka {

struct WorkerRuntimeOptions {
  KafkaOptions kafka;
  std::vector<std::string> input_topics;
  std::string group_id;          // default: "longforge-" + worker
  bool assign_directly = false;  // one-process run: no group join
  RunLoopOptions loop;
};

// Blocks until `stop` is set or the handler asks to stop. Errors at start-up
// (unreachable broker, bad properties) and kStop errors from the handler come back
// as the Status.
Status RunWorker(const WorkerRuntimeOptions& options, Handler& handler, metrics::WorkerProbe* probe,
                 const std::atomic<bool>& stop);

}  // namespace longforge::kafka
