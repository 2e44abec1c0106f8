#include "longforge/metrics/metrics_server.h"

#include <httplib.h>
#include <prometheus/text_serializer.h>

namespace longforge::metrics {

MetricsServer::MetricsServer() = default;

MetricsServer::~MetricsServer() {
  if (http_) http_->stop();
  if (thread_.joinable()) thread_.join();
}

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(const MetricsOptions& options) {
  auto server = std::make_unique<MetricsServer>();
  if (options.port <= 0) return server;
  const std::string bind = options.address + ":" + std::to_string(options.port);
  server->http_ = std::make_unique<httplib::Server>();
  httplib::Server& http = *server->http_;
  MetricsServer* self = server.get();
  http.Get("/metrics", [self](const httplib::Request&, httplib::Response& res) {
    res.set_content(prometheus::TextSerializer().Serialize(self->registry_->Collect()),
                    "text/plain; version=0.0.4; charset=utf-8");
  });
  http.Get("/healthz", [self](const httplib::Request&, httplib::Response& res) {
    auto [status, body] = self->Health();
    res.status = status;
    res.set_content(body, "text/plain; charset=utf-8");
  });
  // httplib's default also sets SO_REUSEPORT, which would let a second worker bind the
  // same port without a word and take half the scrapes.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  if (!http.bind_to_port(options.address, options.port)) {
    return Error::Stop("metrics endpoint " + bind + ": cannot listen (address in use?)");
  }
  server->thread_ = std::thread([self] { self->http_->listen_after_bind(); });
  // stop() does nothing until the listen loop runs: wait for it, so that a server
  // destroyed at once still stops.
  while (!http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  server->endpoint_ = bind;
  return server;
}

void MetricsServer::AddHealthCheck(const DependencyHealth* health) {
  if (health == nullptr) return;
  std::lock_guard lock(mu_);
  checks_.push_back(health);
}

std::pair<int, std::string> MetricsServer::Health() const {
  std::string down;
  {
    std::lock_guard lock(mu_);
    for (const DependencyHealth* h : checks_) {
      if (std::string why = h->Describe(); !why.empty()) down += why + "\n";
    }
  }
  if (down.empty()) return {200, "ok\n"};
  return {503, down};
}

}  // namespace longforge::metrics
