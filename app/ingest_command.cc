#include <spdlog/spdlog.h>

#include <atomic>
#include <iostream>
#include <thread>

#include "commands.h"
#include "common_flags.h"
#include "longforge/kafka/producer.h"
#include "longforge/kafka/topics.h"
#include "producers/ingest/directory_watcher.h"
#include "producers/ingest/ingester.h"

namespace longforge::app {
namespace {

struct IngestArgs {
  CommonFlags common;
  producers::IngestOptions options;
  std::vector<std::string> paths;
  std::string watch_dir;
  int watch_interval_ms = 1000;
};

// Ingests every new, finished file of --watch DIR until stopped.
void Watch(const IngestArgs& args, producers::Ingester& ingester, kafka::Producer& producer) {
  producers::DirectoryWatcher watcher(args.watch_dir);
  spdlog::info("watching {} for new files", watcher.dir());
  while (!StopFlag().load()) {
    for (const std::string& path : watcher.Poll()) ingester.IngestPath(path);
    producer.Flush(std::chrono::milliseconds(0));
    std::this_thread::sleep_for(std::chrono::milliseconds(args.watch_interval_ms));
  }
}

}  // namespace

void AddIngestCommand(CLI::App& app) {
  auto args = std::make_shared<IngestArgs>();
  auto* cmd = app.add_subcommand(
      "ingest",
      "Submit documents: text files, directories (recursive), .jsonl files (one "
      "{\"id\"?,\"title\"?,\"text\",\"questions\"?:[{\"question\",\"answer\"?}]} per line) or - "
      "for "
      "stdin. Writes each text to the document store, then publishes lf.documents. Exit 0: all "
      "submitted; 1: could not run (broker, store); 2: some inputs were rejected (listed).");
  AddKafkaFlags(*cmd, args->common);
  AddStoreFlag(*cmd, args->common);
  cmd->add_option("paths", args->paths, "Files, directories, or - for stdin");
  cmd->add_option("--max-document-bytes", args->options.max_document_bytes,
                  "Largest document accepted")
      ->capture_default_str();
  cmd->add_option_function<std::string>(
         "--stdin-format",
         [args](const std::string& f) { args->options.stdin_jsonl = f == "jsonl"; },
         "text (default: stdin is one document) or jsonl")
      ->check(CLI::IsMember({"text", "jsonl"}));
  cmd->add_option("--watch", args->watch_dir,
                  "Keep ingesting new files appearing in this directory");
  cmd->add_option("--watch-interval-ms", args->watch_interval_ms, "Polling interval of --watch")
      ->capture_default_str();
  cmd->callback([args] {
    std::vector<std::string> problems = args->options.Validate();
    const auto kopts = args->common.Kafka(problems);
    if (args->paths.empty() && args->watch_dir.empty()) {
      problems.emplace_back("nothing to ingest: give paths, - for stdin, or --watch DIR");
    }
    FailOnProblems("ingest", problems);
    auto store = store::DocumentStore::Open(args->common.store_dir);
    auto producer = kafka::Producer::Create(kopts);
    for (const Status& s : {store ? Status() : Status(store.error()),
                            producer ? Status() : Status(producer.error())}) {
      if (!s.ok()) {
        std::cerr << "longforge ingest: " << s.error().message << "\n";
        throw CLI::RuntimeError(1);
      }
    }
    if (auto s = (*producer)->CheckConnection(std::chrono::seconds(10)); !s) {
      std::cerr << "longforge ingest: " << s.error().message << "\n";
      throw CLI::RuntimeError(1);
    }
    std::atomic<std::size_t> failed_deliveries{0};
    producers::Ingester ingester(args->options, **store, [&](const envelope::DocumentEvent& e) {
      (*producer)->Produce(kafka::kDocuments, e.doc_id, envelope::Encode(e), [&, e](Status s) {
        if (s.ok()) return;
        ++failed_deliveries;
        spdlog::error("{}: not published: {}", e.source, s.error().message);
      });
    });
    for (const auto& p : args->paths) ingester.IngestPath(p);
    if (!args->watch_dir.empty()) Watch(*args, ingester, **producer);
    const int left = (*producer)->Flush(std::chrono::seconds(60));
    std::cerr << "ingested " << ingester.documents() << " documents";
    if (!ingester.problems().empty())
      std::cerr << "; " << ingester.problems().size() << " rejected";
    std::cerr << "\n";
    if (left > 0 || failed_deliveries > 0) {
      std::cerr << "longforge ingest: " << (left + failed_deliveries) << " events not delivered\n";
      throw CLI::RuntimeError(1);
    }
    if (!ingester.problems().empty()) throw CLI::RuntimeError(2);
  });
}

}  // namespace longforge::app
