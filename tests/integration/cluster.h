#pragma once
// An embedded broker and longforge workers as separate processes, for tests of
// what happens between processes: crashes, restarts, kcat, metrics endpoints.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/subprocess.h"

namespace longforge::testing {

class Cluster {
 public:
  explicit Cluster(std::string dir);
  ~Cluster();

  // Starts `longforge broker`; false (with the reason in `error`) when it fails.
  bool StartBroker(std::string& error);
  // Starts (or restarts) `longforge worker <stage>` with the test's store and out dir.
  void StartWorker(const std::string& stage, int metrics_port = 0,
                   const std::vector<std::string>& extra = {});
  void StartAllWorkers();
  Subprocess& worker(const std::string& stage) { return *workers_.at(stage); }
  // Runs `longforge ingest` on `paths`.
  CommandResult Ingest(const std::vector<std::string>& paths);
  // Dataset and rejected lines written by the sink so far.
  std::size_t Written() const;
  // Every worker's stderr, for failure messages.
  std::string Logs() const;

  const std::string& brokers() const { return brokers_; }
  const std::string& store() const { return store_; }
  const std::string& out() const { return out_; }

 private:
  std::vector<std::string> KafkaArgs() const;
  std::string dir_, store_, out_, brokers_;
  std::unique_ptr<Subprocess> broker_;
  std::map<std::string, std::unique_ptr<Subprocess>> workers_;
};

// Documents with `questions` distinct supplied questions each, written as JSONL:
// enough paragraphs that small chunks give many relevance messages per task.
std::string WriteSyntheticDocuments(const std::string& path, int documents, int questions,
                                    int paragraphs);

// `longforge run` over `input` with its store and output under `dir`, small chunks and
// every LLM stage at `llm_url` (model "fake-model", 4 calls at once).
std::vector<std::string> LlmRunArgs(const std::string& dir, const std::string& input,
                                    const std::string& llm_url);

}  // namespace longforge::testing
