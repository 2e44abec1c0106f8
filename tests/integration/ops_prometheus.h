#pragma once
// Debian's prometheus and promtool, driven from the ops tests: a server on a loopback
// port of its own, scraping targets the test names, queried over its HTTP API.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "support/subprocess.h"

namespace longforge::testing {

// Runs `promtool args...`; exit code and output.
CommandResult Promtool(const std::vector<std::string>& args);

// A Prometheus server with a generated config, its TSDB in a test directory. Stopped
// (SIGTERM, then SIGKILL) when destroyed.
class PrometheusServer {
 public:
  // `jobs` maps a job name to its scrape target (host:port); every job is scraped at
  // `scrape_interval` (a Prometheus duration, e.g. "1s"). Blocks until the server is
  // ready; nullptr (with the reason in `error`) when it does not start.
  static std::unique_ptr<PrometheusServer> Start(const std::string& dir,
                                                 const std::map<std::string, std::string>& jobs,
                                                 const std::string& scrape_interval,
                                                 std::string& error);
  ~PrometheusServer();

  // GETs /api/v1/<path> with `params` (URL-encoded by curl); the JSON body, or "" when
  // the request failed.
  std::string Api(const std::string& path,
                  const std::vector<std::pair<std::string, std::string>>& params) const;
  // An instant query that must return at most one sample: its value, nullopt when the
  // result is empty or the query failed (`error` says why, if given).
  std::optional<double> Scalar(const std::string& promql, std::string* error = nullptr) const;
  // Every metric name Prometheus holds (/api/v1/label/__name__/values).
  std::set<std::string> MetricNames() const;
  std::string Logs() const { return process_->Stderr(); }

 private:
  PrometheusServer() = default;
  int port_ = 0;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace longforge::testing
