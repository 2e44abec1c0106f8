#pragma once
// Metrics of the sink: what reached disk, and what a durable write costs.

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace longforge::workers {

// Exposes:
//   longforge_sink_records_total{file}    records written and fsynced, file="dataset"|"rejected"
//   longforge_sink_duplicates_total       redelivered records skipped (already on disk)
//   longforge_sink_sync_seconds           one group commit: flush and fsync of the files
//   longforge_sink_windows_total{outcome} --context window: records cut ("written") or
//                                         skipped, by reason (context_window.h)
// Every label value is created up front. Thread-safe; must outlive the worker.
class SinkProbe {
 public:
  explicit SinkProbe(prometheus::Registry& registry)
      : records_(prometheus::BuildCounter()
                     .Name("longforge_sink_records_total")
                     .Help("Records written to disk and fsynced, by file")
                     .Register(registry)),
        dataset_(records_.Add({{"file", "dataset"}})),
        rejected_(records_.Add({{"file", "rejected"}})),
        duplicates_(prometheus::BuildCounter()
                        .Name("longforge_sink_duplicates_total")
                        .Help("Redelivered records skipped because they are already on disk")
                        .Register(registry)
                        .Add({})),
        sync_(
            prometheus::BuildHistogram()
                .Name("longforge_sink_sync_seconds")
                .Help("Duration of one group commit (flush and fsync)")
                .Register(registry)
                .Add({}, prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                                 0.025, 0.05, 0.1, 0.25, 0.5, 1})),
        windows_(prometheus::BuildCounter()
                     .Name("longforge_sink_windows_total")
                     .Help("--context window: windows written, or skipped by reason")
                     .Register(registry)) {
    for (const char* outcome :
         {"written", "evidence_wider_than_window", "document_shorter_than_window",
          "depth_unreachable", "no_evidence", "window_not_exact"}) {
      windows_.Add({{"outcome", outcome}});
    }
  }
  SinkProbe(const SinkProbe&) = delete;
  SinkProbe& operator=(const SinkProbe&) = delete;

  void Committed(double dataset, double rejected, double seconds) {
    dataset_.Increment(dataset);
    rejected_.Increment(rejected);
    sync_.Observe(seconds);
  }
  void Duplicate() { duplicates_.Increment(); }
  void Window(const std::string& outcome) { windows_.Add({{"outcome", outcome}}).Increment(); }

 private:
  prometheus::Family<prometheus::Counter>& records_;
  prometheus::Counter& dataset_;
  prometheus::Counter& rejected_;
  prometheus::Counter& duplicates_;
  prometheus::Histogram& sync_;
  prometheus::Family<prometheus::Counter>& windows_;
};

}  // namespace longforge::workers
