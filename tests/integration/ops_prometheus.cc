#include "ops_prometheus.h"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace longforge::testing {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

CommandResult Promtool(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"promtool"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, 60s);
}

std::unique_ptr<PrometheusServer> PrometheusServer::Start(
    const std::string& dir, const std::map<std::string, std::string>& jobs,
    const std::string& scrape_interval, std::string& error) {
  fs::create_directories(dir + "/tsdb");
  const std::string config = dir + "/prometheus.yml";
  {
    std::ofstream out(config);
    out << "global:\n  scrape_interval: " << scrape_interval
        << "\n  scrape_timeout: " << scrape_interval << "\nscrape_configs:\n";
    for (const auto& [job, target] : jobs) {
      out << "  - job_name: " << job << "\n    static_configs:\n      - targets: [\"" << target
          << "\"]\n";
    }
  }
  std::unique_ptr<PrometheusServer> server(new PrometheusServer());
  server->port_ = FreePort();
  server->process_ = Subprocess::Start(
      {"prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir + "/tsdb",
       "--web.listen-address=127.0.0.1:" + std::to_string(server->port_),
       "--storage.tsdb.retention.time=1h", "--log.level=warn"});
  const std::string ready = "http://127.0.0.1:" + std::to_string(server->port_) + "/-/ready";
  if (!WaitFor(
          [&] {
            return !server->process_->Running() ||
                   RunCommand({"curl", "-sf", ready}, 5s).exit_code == 0;
          },
          30s) ||
      !server->process_->Running()) {
    error = "prometheus did not become ready: " + server->process_->Stderr();
    return nullptr;
  }
  return server;
}

PrometheusServer::~PrometheusServer() {
  if (!process_) return;
  process_->Signal(SIGTERM);
  process_->Wait(10s);
}

std::string PrometheusServer::Api(
    const std::string& path, const std::vector<std::pair<std::string, std::string>>& params) const {
  std::vector<std::string> argv = {"curl", "-sS", "-G"};
  for (const auto& [key, value] : params) {
    argv.push_back("--data-urlencode");
    argv.push_back(key + "=" + value);
  }
  argv.push_back("http://127.0.0.1:" + std::to_string(port_) + "/api/v1/" + path);
  const auto r = RunCommand(argv, 15s);
  return r.exit_code == 0 ? r.out : "";
}

std::optional<double> PrometheusServer::Scalar(const std::string& promql,
                                               std::string* error) const {
  const std::string body = Api("query", {{"query", promql}});
  const auto j = nlohmann::json::parse(body, nullptr, false);
  const auto fail = [&](const std::string& why) -> std::optional<double> {
    if (error != nullptr) *error = promql + ": " + why;
    return std::nullopt;
  };
  if (!j.is_object() || j.value("status", "") != "success") return fail("query failed: " + body);
  const auto& data = j["data"];
  if (data["resultType"] == "scalar") return std::stod(data["result"][1].get<std::string>());
  const auto& result = data["result"];
  if (!result.is_array() || result.empty()) return fail("empty result");
  if (result.size() > 1) return fail("more than one series: " + result.dump());
  return std::stod(result[0]["value"][1].get<std::string>());
}

std::set<std::string> PrometheusServer::MetricNames() const {
  const auto j = nlohmann::json::parse(Api("label/__name__/values", {}), nullptr, false);
  std::set<std::string> names;
  if (!j.is_object() || !j.contains("data")) return names;
  for (const auto& n : j["data"]) names.insert(n.get<std::string>());
  return names;
}

}  // namespace longforge::testing
