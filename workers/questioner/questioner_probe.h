#pragma once
// Metrics of the questioner: the questions it asks and the reading they cost.

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "longforge/envelope/decisions.h"

namespace longforge::workers {

// Exposes:
//   longforge_questioner_documents_total            documents planned
//   longforge_questioner_tasks_total{origin}        tasks asked, origin="supplied"|"generated"
//   longforge_questioner_relevance_requests_total   relevance requests fanned out
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
                      .Help("Relevance requests fanned out (one chunk, one or more questions)")
                      .Register(registry)
                      .Add({})) {}
  QuestionerProbe(const QuestionerProbe&) = delete;
  QuestionerProbe& operator=(const QuestionerProbe&) = delete;

  void Planned(double supplied, double generated, double requests) {
    documents_.Increment();
    supplied_.Increment(supplied);
    generated_.Increment(generated);
    requests_.Increment(requests);
  }

 private:
  prometheus::Counter& documents_;
  prometheus::Family<prometheus::Counter>& tasks_;
  prometheus::Counter& supplied_;
  prometheus::Counter& generated_;
  prometheus::Counter& requests_;
};

}  // namespace longforge::workers
