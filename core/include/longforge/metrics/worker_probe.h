#pragma once
// The metrics every worker's run loop reports. Labels are the stage name (`worker`) and the
// topic (a handful of values each), never ids.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <mutex>
#include <string>

#include "longforge/common/stage.h"

namespace longforge::metrics {

// Thread-safe: counters are atomic; the label caches are guarded by a mutex.
class WorkerProbe {
 public:
  WorkerProbe(prometheus::Registry& registry, PipelineStage stage);  // label worker=StageName

  void Consumed(const std::string& topic);
  void Produced(const std::string& topic);
  void DeadLettered(const std::string& topic);
  void Retried();
  void ProcessingSeconds(double seconds);
  void InFlight(double messages);
  // Sum of consumer lag over the partitions of `topic` this worker holds.
  void ConsumerLag(const std::string& topic, double messages);

 private:
  prometheus::Counter& TopicCounter(prometheus::Family<prometheus::Counter>& family,
                                    std::map<std::string, prometheus::Counter*>& cache,
                                    const std::string& topic);

  std::string worker_;
  prometheus::Family<prometheus::Counter>& consumed_;
  prometheus::Family<prometheus::Counter>& produced_;
  prometheus::Family<prometheus::Counter>& dead_lettered_;
  prometheus::Family<prometheus::Gauge>& lag_;
  prometheus::Counter& retries_;
  prometheus::Histogram& processing_;
  prometheus::Gauge& in_flight_;

  std::mutex mu_;
  std::map<std::string, prometheus::Counter*> consumed_by_topic_;
  std::map<std::string, prometheus::Counter*> produced_by_topic_;
  std::map<std::string, prometheus::Counter*> dead_lettered_by_topic_;
  std::map<std::string, prometheus::Gauge*> lag_by_topic_;
};

}  // namespace longforge::metrics
