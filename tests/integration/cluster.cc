#include "cluster.h"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace longforge::testing {
namespace fs = std::filesystem;

Cluster::Cluster(std::string dir)
    : dir_(std::move(dir)), store_(dir_ + "/store"), out_(dir_ + "/out") {}

Cluster::~Cluster() {
  for (auto& [stage, p] : workers_) p->Signal(SIGTERM);
  for (auto& [stage, p] : workers_) p->Wait(std::chrono::seconds(15));
  if (broker_) {
    broker_->Signal(SIGTERM);
    broker_->Wait(std::chrono::seconds(5));
  }
}

bool Cluster::StartBroker(std::string& error) {
  const std::string port_file = dir_ + "/bootstrap.txt";
  broker_ = Subprocess::Start({LongforgeBinary(), "broker", "--port-file", port_file});
  if (!WaitFor([&] { return fs::exists(port_file) || !broker_->Running(); },
               std::chrono::seconds(20)) ||
      !broker_->Running()) {
    error = "broker did not start: " + broker_->Stderr();
    return false;
  }
  std::ifstream(port_file) >> brokers_;
  // The first stdout line is the same bootstrap string.
  return !brokers_.empty();
}

std::vector<std::string> Cluster::KafkaArgs() const {
  // The mock cluster answers metadata slowly unless refreshed often (see options.h).
  return {"--brokers", brokers_, "-X", "topic.metadata.refresh.interval.ms=100"};
}

void Cluster::StartWorker(const std::string& stage, int metrics_port,
                          const std::vector<std::string>& extra) {
  std::vector<std::string> args = {LongforgeBinary(),
                                   "worker",
                                   stage,
                                   "--store",
                                   store_,
                                   "--out",
                                   out_,
                                   "--metrics-port",
                                   std::to_string(metrics_port),
                                   "--chunk-tokens",
                                   "64",
                                   "--gather-timeout",
                                   "120"};
  const auto kafka = KafkaArgs();
  args.insert(args.end(), kafka.begin(), kafka.end());
  args.insert(args.end(), extra.begin(), extra.end());
  workers_[stage] = Subprocess::Start(args);
}

void Cluster::StartAllWorkers() {
  for (const char* s :
       {"chunker", "mapper", "questioner", "relevance", "answer", "filter", "sink"}) {
    StartWorker(s);
  }
}

CommandResult Cluster::Ingest(const std::vector<std::string>& paths) {
  std::vector<std::string> args = {LongforgeBinary(), "ingest", "--store", store_};
  const auto kafka = KafkaArgs();
  args.insert(args.end(), kafka.begin(), kafka.end());
  args.insert(args.end(), paths.begin(), paths.end());
  return RunCommand(args, std::chrono::seconds(60));
}

std::size_t Cluster::Written() const {
  return ReadLines(out_ + "/dataset.jsonl").size() + ReadLines(out_ + "/rejected.jsonl").size();
}

std::string Cluster::Logs() const {
  std::string logs;
  for (const auto& [stage, p] : workers_) logs += "--- " + stage + "\n" + p->Stderr();
  return logs;
}

std::string WriteSyntheticDocuments(const std::string& path, int documents, int questions,
                                    int paragraphs) {
  std::ofstream out(path);
  for (int d = 0; d < documents; ++d) {
    std::string text;
    for (int p = 0; p < paragraphs; ++p) {
      text += "Paragraph " + std::to_string(p) + " of ledger " + std::to_string(d) +
              " records ordinary harbour traffic, tides and weather for the week. The clerks "
              "noted nothing unusual about the cargo or the crews.\n\n";
      if (p % (paragraphs / questions) == 0 && p / (paragraphs / questions) < questions) {
        const int q = p / (paragraphs / questions);
        text += "The vessel Marlin" + std::to_string(d) + "x" + std::to_string(q) +
                " carried a cargo of copper" + std::to_string(q) + " ingots to Valmora.\n\n";
      }
    }
    nlohmann::json doc = {{"id", "synthetic-" + std::to_string(d)},
                          {"title", "ledger " + std::to_string(d)},
                          {"text", text},
                          {"questions", nlohmann::json::array()}};
    for (int q = 0; q < questions; ++q) {
      doc["questions"].push_back(
          {{"question", "What cargo did the vessel Marlin" + std::to_string(d) + "x" +
                            std::to_string(q) + " carry?"}});
    }
    out << doc.dump() << "\n";
  }
  return path;
}

std::vector<std::string> LlmRunArgs(const std::string& dir, const std::string& input,
                                    const std::string& llm_url) {
  return {LongforgeBinary(),
          "run",
          "--input",
          input,
          "--out",
          dir + "/out",
          "--store",
          dir + "/store",
          "--no-progress",
          "--chunk-tokens",
          "64",
          "--llm-url",
          llm_url,
          "--llm-model",
          "fake-model",
          "--llm-concurrency",
          "4"};
}

}  // namespace longforge::testing
