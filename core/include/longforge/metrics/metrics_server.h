#pragma once
// Serves a process's Prometheus registry over HTTP (/metrics).

#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "longforge/common/error.h"

namespace longforge::metrics {

struct MetricsOptions {
  std::string address = "127.0.0.1";  // --metrics-addr: interface to listen on
  int port = 0;                       // --metrics-port: 0 = no metrics endpoint
};

class MetricsServer {
 public:
  // Starts listening when options.port > 0; otherwise holds only the registry.
  // Error (kStop) names the address that could not be bound.
  static Result<std::unique_ptr<MetricsServer>> Start(const MetricsOptions& options);

  // The registry every probe of this process registers into. Outlives all probes.
  prometheus::Registry& registry() { return *registry_; }
  // "host:port" actually bound, or empty when metrics are off.
  const std::string& endpoint() const { return endpoint_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::string endpoint_;
};

}  // namespace longforge::metrics
