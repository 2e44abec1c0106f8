#include "longforge/kafka/worker_runtime.h"

#include <spdlog/spdlog.h>

#include "longforge/kafka/consumer.h"
#include "longforge/kafka/producer.h"

namespace longforge::kafka {

Status RunWorker(const WorkerRuntimeOptions& options, Handler& handler, metrics::WorkerProbe* probe,
                 const std::atomic<bool>& stop) {
  std::vector<std::string> problems = options.kafka.Validate();
  const auto loop_problems = options.loop.Validate();
  problems.insert(problems.end(), loop_problems.begin(), loop_problems.end());
  if (options.input_topics.empty()) problems.emplace_back("worker has no input topics");
  if (!problems.empty()) {
    std::string msg = std::string(StageName(options.loop.stage)) + ": invalid configuration:";
    for (const auto& p : problems) msg += "\n  - " + p;
    return Error::Stop(msg);
  }
  auto producer = Producer::Create(options.kafka);
  if (!producer) return producer.error();
  RunLoop loop(options.loop, handler, **producer, probe);
  ConsumerOptions copts;
  copts.group_id = options.group_id.empty()
                       ? "longforge-" + std::string(StageName(options.loop.stage))
                       : options.group_id;
  copts.topics = options.input_topics;
  copts.assign_directly = options.assign_directly;
  Consumer::LagCallback on_lag;
  if (probe) on_lag = [probe](const std::string& t, int64_t lag) { probe->ConsumerLag(t, lag); };
  auto consumer = Consumer::Create(options.kafka, copts, &loop, std::move(on_lag));
  if (!consumer) return consumer.error();
  spdlog::info("{}: consuming {} (group {})", StageName(options.loop.stage),
               options.input_topics.front(), copts.group_id);
  Status status = loop.Run(**consumer, stop);
  (*consumer)->Close();
  return status;
}

}  // namespace longforge::kafka
