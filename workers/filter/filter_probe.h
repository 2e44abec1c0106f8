#pragma once

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <map>
#include <mutex>
#include <string>

#include "longforge/envelope/decisions.h"

namespace longforge::workers {

// longforge_filter_decisions_total{decision,reason}: the rejection rate by reason is
// one PromQL query. An accepted record counts once with reason="ok"; a rejected one
// once per reason. Thread-safe.
class FilterProbe {
 public:
  explicit FilterProbe(prometheus::Registry& registry)
      : family_(prometheus::BuildCounter()
                    .Name("longforge_filter_decisions_total")
                    .Help("Filter decisions by decision and reason")
                    .Register(registry)),
        escalations_(prometheus::BuildCounter()
                         .Name("longforge_filter_escalations_total")
                         .Help("Tasks whose answer was not accepted, asked again one level up "
                               "(--level auto), by level")
                         .Register(registry)),
        closed_book_(prometheus::BuildCounter()
                         .Name("longforge_filter_closed_book_total")
                         .Help("Closed-book checks (the question asked with no document) by "
                               "outcome: agrees (rejected), differs, failed")
                         .Register(registry)) {}

  void ClosedBook(const std::string& outcome) {
    std::lock_guard lock(mu_);
    auto& c = cache_["closedbook/" + outcome];
    if (c == nullptr) c = &closed_book_.Add({{"outcome", outcome}});
    c->Increment();
  }

  void Escalated(int from_level, int to_level) {
    const std::string key = std::to_string(from_level) + "/" + std::to_string(to_level);
    std::lock_guard lock(mu_);
    auto& c = cache_["escalate/" + key];
    if (c == nullptr) {
      c = &escalations_.Add(
          {{"from_level", std::to_string(from_level)}, {"to_level", std::to_string(to_level)}});
    }
    c->Increment();
  }

  void Decision(envelope::Decision decision, const std::string& reason) {
    const std::string name = envelope::ToString(decision);
    std::lock_guard lock(mu_);
    auto& c = cache_[name + "/" + reason];
    if (c == nullptr) c = &family_.Add({{"decision", name}, {"reason", reason}});
    c->Increment();
  }

 private:
  prometheus::Family<prometheus::Counter>& family_;
  prometheus::Family<prometheus::Counter>& escalations_;
  prometheus::Family<prometheus::Counter>& closed_book_;
  std::mutex mu_;
  std::map<std::string, prometheus::Counter*> cache_;
};

}  // namespace longforge::workers
