#include "longforge/metrics/metrics_server.h"

namespace longforge::metrics {

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(const MetricsOptions& options) {
  auto server = std::make_unique<MetricsServer>();
  if (options.port <= 0) return server;
  const std::string bind = options.address + ":" + std::to_string(options.port);
  try {
    server->exposer_ = std::make_unique<prometheus::Exposer>(bind);
  } catch (const std::exception& e) {
    return Error::Stop("metrics endpoint " + bind + ": " + e.what());
  }
  server->exposer_->RegisterCollectable(server->registry_);
  server->endpoint_ = bind;
  return server;
}

}  // namespace longforge::metrics
