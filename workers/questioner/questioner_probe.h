#pragma once
// Metrics of the questioner: the questions it asks and the reading they cost.

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string_view>

#include "longforge/envelope/decisions.h"

namespace longforge::workers {

// Exposes:
//   longforge_questioner_documents_total            documents planned
//   longforge_questioner_tasks_total{origin}        tasks asked, origin="supplied"|"generated"
//   longforge_questioner_relevance_requests_total   relevance requests released
//   longforge_questioner_fan_out_bytes              bytes of requests released, not credited
//   longforge_questioner_fan_out_bytes_limit        the budget (--fan-out-bytes)
//   longforge_questioner_fan_outs                   documents whose fan-out is under way
//   longforge_questioner_credits_total{outcome}     credits, outcome="returned"|"duplicate"|
//                                                   "unknown" (not this incarnation's)
//   longforge_questioner_contaminated_total{origin}  questions rejected as too close to a
//                                                   --decontaminate benchmark item
// Every label value is created up front. Thread-safe; must outlive the worker.
class QuestionerProbe {
 public:
  explicit QuestionerProbe(prometheus::Registry& registry)
      : documents_(prometheus::BuildCounter()
                       .Name("longforge_questioner_documents_total")
                       .Help("Documents whose questions were planned and fanned out")
                       .Register(registry)
                       .Add({})),
        tasks_(prometheus::BuildCounter()
                   .Name("longforge_questioner_tasks_total")
                   .Help("Tasks asked of documents, by where the question came from")
                   .Register(registry)),
        supplied_(tasks_.Add({{"origin", envelope::ToString(envelope::Origin::kSupplied)}})),
        generated_(tasks_.Add({{"origin", envelope::ToString(envelope::Origin::kGenerated)}})),
        requests_(prometheus::BuildCounter()
                      .Name("longforge_questioner_relevance_requests_total")
                      .Help("Relevance requests released (one chunk, one or more questions)")
                      .Register(registry)
                      .Add({})),
        outstanding_(prometheus::BuildGauge()
                         .Name("longforge_questioner_fan_out_bytes")
                         .Help("Bytes of relevance requests released and not yet credited back")
                         .Register(registry)
                         .Add({})),
        limit_(prometheus::BuildGauge()
                   .Name("longforge_questioner_fan_out_bytes_limit")
                   .Help("Budget of longforge_questioner_fan_out_bytes (--fan-out-bytes)")
                   .Register(registry)
                   .Add({})),
        fan_outs_(prometheus::BuildGauge()
                      .Name("longforge_questioner_fan_outs")
                      .Help("Documents whose relevance requests are being released")
                      .Register(registry)
                      .Add({})),
        credits_(prometheus::BuildCounter()
                     .Name("longforge_questioner_credits_total")
                     .Help("Credits of finished relevance requests, by outcome")
                     .Register(registry)),
        returned_(credits_.Add({{"outcome", "returned"}})),
        duplicate_(credits_.Add({{"outcome", "duplicate"}})),
        unknown_(credits_.Add({{"outcome", "unknown"}})),
        contaminated_(prometheus::BuildCounter()
                          .Name("longforge_questioner_contaminated_total")
                          .Help("Questions rejected unanswered as too close to a benchmark "
                                "question (--decontaminate), by where they came from")
                          .Register(registry)),
        contaminated_supplied_(
            contaminated_.Add({{"origin", envelope::ToString(envelope::Origin::kSupplied)}})),
        contaminated_generated_(
            contaminated_.Add({{"origin", envelope::ToString(envelope::Origin::kGenerated)}})) {}
  QuestionerProbe(const QuestionerProbe&) = delete;
  QuestionerProbe& operator=(const QuestionerProbe&) = delete;

  void Planned(double supplied, double generated) {
    documents_.Increment();
    supplied_.Increment(supplied);
    generated_.Increment(generated);
  }
  void Contaminated(envelope::Origin origin) {
    switch (origin) {
      case envelope::Origin::kSupplied:
        return contaminated_supplied_.Increment();
      case envelope::Origin::kGenerated:
        return contaminated_generated_.Increment();
    }
  }
  void Released(double requests) { requests_.Increment(requests); }
  void Limit(double bytes) { limit_.Set(bytes); }
  void FanOut(double outstanding_bytes, double fan_outs) {
    outstanding_.Set(outstanding_bytes);
    fan_outs_.Set(fan_outs);
  }
  // `outcome`: "returned", "duplicate" or "unknown".
  void Credited(std::string_view outcome) {
    (outcome == "returned"    ? returned_
     : outcome == "duplicate" ? duplicate_
                              : unknown_)
        .Increment();
  }

 private:
  prometheus::Counter& documents_;
  prometheus::Family<prometheus::Counter>& tasks_;
  prometheus::Counter& supplied_;
  prometheus::Counter& generated_;
  prometheus::Counter& requests_;
  prometheus::Gauge& outstanding_;
  prometheus::Gauge& limit_;
  prometheus::Gauge& fan_outs_;
  prometheus::Family<prometheus::Counter>& credits_;
  prometheus::Counter& returned_;
  prometheus::Counter& duplicate_;
  prometheus::Counter& unknown_;
  prometheus::Family<prometheus::Counter>& contaminated_;
  prometheus::Counter& contaminated_supplied_;
  prometheus::Counter& contaminated_generated_;
};

}  // namespace longforge::workers
