#pragma once

#include <prometheus/counter.h>
#include <prometheus/registry.h>

namespace longforge::workers {

// Metrics of the mapper. Thread-safe.
class MapperProbe {
 public:
  explicit MapperProbe(prometheus::Registry& registry)
      : documents_(prometheus::BuildCounter()
                       .Name("longforge_mapper_documents_total")
                       .Help("Documents whose map was written (outcome=mapped), found in the "
                             "store from an earlier run (outcome=reused), or not wanted "
                             "(outcome=skipped: --map)")
                       .Register(registry)),
        mapped_(documents_.Add({{"outcome", "mapped"}})),
        reused_(documents_.Add({{"outcome", "reused"}})),
        skipped_(documents_.Add({{"outcome", "skipped"}})),
        cards_(prometheus::BuildCounter()
                   .Name("longforge_mapper_cards_total")
                   .Help("Cards written, one per reading chunk")
                   .Register(registry)
                   .Add({})),
        failures_(prometheus::BuildCounter()
                      .Name("longforge_mapper_card_failures_total")
                      .Help("Cards that could not be written (the document's map is tried "
                            "again, then dead-lettered)")
                      .Register(registry)
                      .Add({})) {}

  void Mapped(double cards) {
    mapped_.Increment();
    cards_.Increment(cards);
  }
  void Reused() { reused_.Increment(); }
  void Skipped() { skipped_.Increment(); }
  void CardFailed() { failures_.Increment(); }

 private:
  prometheus::Family<prometheus::Counter>& documents_;
  prometheus::Counter& mapped_;
  prometheus::Counter& reused_;
  prometheus::Counter& skipped_;
  prometheus::Counter& cards_;
  prometheus::Counter& failures_;
};

}  // namespace longforge::workers
