#pragma once
// Serves a process's Prometheus registry over HTTP (/metrics) and its health
// (/healthz: 200 "ok", or 503 naming each dependency that is down), on one port.

#include <prometheus/registry.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "longforge/common/dependency_health.h"
#include "longforge/common/error.h"

namespace httplib {
class Server;
}

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
  MetricsServer();
  ~MetricsServer();  // stops serving
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // The registry every probe of this process registers into. Outlives all probes.
  prometheus::Registry& registry() { return *registry_; }
  // "host:port" actually bound, or empty when metrics are off.
  const std::string& endpoint() const { return endpoint_; }

  // /healthz answers 503 while `health` is down, with its Describe() as the reason.
  // `health` (null: ignored) must outlive the server. Thread-safe.
  void AddHealthCheck(const DependencyHealth* health);
  // What /healthz answers: {200, "ok\n"} or {503, one reason per line}. Thread-safe.
  std::pair<int, std::string> Health() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  std::string endpoint_;
  mutable std::mutex mu_;
  std::vector<const DependencyHealth*> checks_;  // guarded by mu_
};

}  // namespace longforge::metrics
