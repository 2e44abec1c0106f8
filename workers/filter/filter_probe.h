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
                    .Register(registry)) {}

  void Decision(envelope::Decision decision, const std::string& reason) {
    const std::string name = envelope::ToString(decision);
    std::lock_guard lock(mu_);
    auto& c = cache_[name + "/" + reason];
    if (c == nullptr) c = &family_.Add({{"decision", name}, {"reason", reason}});
    c->Increment();
  }

 private:
  prometheus::Family<prometheus::Counter>& family_;
  std::mutex mu_;
  std::map<std::string, prometheus::Counter*> cache_;
};

}  // namespace longforge::workers
