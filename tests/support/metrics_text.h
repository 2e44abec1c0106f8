#pragma once
// What a Prometheus scrape of `registry` would read, for tests of probes.

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <string>

namespace longforge::builders {

inline std::string MetricsText(const prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

}  // namespace longforge::builders
