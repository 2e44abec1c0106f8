#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "commands.h"
#include "common_flags.h"
#include "longforge/kafka/embedded_broker.h"

namespace longforge::app {

void AddBrokerCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "broker",
      "Host the embedded Kafka (librdkafka's mock cluster) on loopback until SIGTERM. Prints the "
      "bootstrap servers as the first line of stdout. All data lives in memory and is gone when "
      "it stops; each partition keeps only ~5 MiB. For tests and one-machine use; production "
      "uses a real cluster via --brokers.");
  auto opts = std::make_shared<kafka::EmbeddedBrokerOptions>();
  auto port_file = std::make_shared<std::string>();
  cmd->add_option("--mock-brokers", opts->brokers, "Number of brokers")->capture_default_str();
  cmd->add_option("--partitions", opts->partitions,
                  "Partitions per lf.* topic (0 = each topic's default)")
      ->capture_default_str();
  cmd->add_option("--port-file", *port_file, "Also write the bootstrap servers to this file");
  cmd->callback([opts, port_file] {
    FailOnProblems("broker", opts->Validate());
    auto broker = kafka::EmbeddedBroker::Start(*opts);
    if (!broker) {
      std::cerr << "longforge broker: " << broker.error().message << "\n";
      throw CLI::RuntimeError(1);
    }
    std::cout << (*broker)->bootstraps() << std::endl;
    if (!port_file->empty()) {
      const std::string tmp = *port_file + ".tmp";
      std::ofstream(tmp) << (*broker)->bootstraps() << "\n";
      std::rename(tmp.c_str(), port_file->c_str());
    }
    spdlog::info("embedded broker on {}", (*broker)->bootstraps());
    while (!StopFlag().load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    spdlog::info("embedded broker stopping");
  });
}

}  // namespace longforge::app
