#include "longforge/metrics/worker_probe.h"

namespace longforge::metrics {
namespace {

prometheus::Histogram::BucketBoundaries ProcessingBuckets() {
  return {0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300};
}

}  // namespace

WorkerProbe::WorkerProbe(prometheus::Registry& registry, PipelineStage stage)
    : worker_(StageName(stage)),
      consumed_(prometheus::BuildCounter()
                    .Name("longforge_messages_consumed_total")
                    .Help("Messages a worker took from its input topic")
                    .Register(registry)),
      produced_(prometheus::BuildCounter()
                    .Name("longforge_messages_produced_total")
                    .Help("Messages a worker published and the broker acknowledged")
                    .Register(registry)),
      dead_lettered_(prometheus::BuildCounter()
                         .Name("longforge_messages_dead_lettered_total")
                         .Help("Input messages sent to lf.dlq, by the topic they came from")
                         .Register(registry)),
      lag_(prometheus::BuildGauge()
               .Name("longforge_consumer_lag_messages")
               .Help("Messages behind the partition end, summed over assigned partitions")
               .Register(registry)),
      retries_(prometheus::BuildCounter()
                   .Name("longforge_message_retries_total")
                   .Help("Times a message was handed to the worker again after a transient error")
                   .Register(registry)
                   .Add({{"worker", worker_}})),
      processing_(prometheus::BuildHistogram()
                      .Name("longforge_processing_seconds")
                      .Help("Time from consuming a message to finishing it (outputs acknowledged)")
                      .Register(registry)
                      .Add({{"worker", worker_}}, ProcessingBuckets())),
      in_flight_(prometheus::BuildGauge()
                     .Name("longforge_in_flight_messages")
                     .Help("Messages consumed and not yet finished")
                     .Register(registry)
                     .Add({{"worker", worker_}})) {}

prometheus::Counter& WorkerProbe::TopicCounter(prometheus::Family<prometheus::Counter>& family,
                                               std::map<std::string, prometheus::Counter*>& cache,
                                               const std::string& topic) {
  std::lock_guard lock(mu_);
  auto& slot = cache[topic];
  if (slot == nullptr) slot = &family.Add({{"worker", worker_}, {"topic", topic}});
  return *slot;
}

void WorkerProbe::Consumed(const std::string& topic) {
  TopicCounter(consumed_, consumed_by_topic_, topic).Increment();
}
void WorkerProbe::Produced(const std::string& topic) {
  TopicCounter(produced_, produced_by_topic_, topic).Increment();
}
void WorkerProbe::DeadLettered(const std::string& topic) {
  TopicCounter(dead_lettered_, dead_lettered_by_topic_, topic).Increment();
}
void WorkerProbe::Retried() { retries_.Increment(); }
void WorkerProbe::ProcessingSeconds(double seconds) { processing_.Observe(seconds); }
void WorkerProbe::InFlight(double messages) { in_flight_.Set(messages); }

void WorkerProbe::ConsumerLag(const std::string& topic, double messages) {
  std::lock_guard lock(mu_);
  auto& slot = lag_by_topic_[topic];
  if (slot == nullptr) slot = &lag_.Add({{"worker", worker_}, {"topic", topic}});
  slot->Set(messages);
}

}  // namespace longforge::metrics
