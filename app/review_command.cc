// `longforge review DIR`: a web page to read, accept, reject and correct the samples of a
// dataset directory; `--write-final OUT` writes the dataset with those decisions applied.

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <thread>

#include "commands.h"
#include "common_flags.h"
#include "review/final_dataset.h"
#include "review/review_server.h"

namespace longforge::app {

namespace {

struct ReviewFlags {
  std::string dir;
  std::string store_dir;  // --store; empty: longforge-store when it exists
  review::ReviewServerOptions server;
  std::string write_final;  // --write-final OUT
  std::string format, context;
};

std::string RandomToken() {
  std::random_device random;  // /dev/urandom
  std::string token;
  for (int i = 0; i < 4; ++i) {
    char part[9];
    std::snprintf(part, sizeof part, "%08x", random());
    token += part;
  }
  return token;
}

[[noreturn]] void Fail(const std::string& message) {
  std::cerr << "longforge review: " << message << "\n";
  throw CLI::RuntimeError(1);
}

void Run(ReviewFlags& flags) {
  if (flags.write_final.empty() && (!flags.format.empty() || !flags.context.empty())) {
    Fail("--format and --context say how --write-final writes; without it they do nothing");
  }
  std::unique_ptr<store::DocumentStore> store;
  const bool explicit_store = !flags.store_dir.empty();
  const std::string store_dir = explicit_store ? flags.store_dir : "longforge-store";
  if (std::filesystem::is_directory(store_dir)) {
    auto opened = store::DocumentStore::Open(store_dir);
    if (!opened) Fail(opened.error().message);
    store = std::move(*opened);
  } else if (explicit_store) {
    Fail("--store " + store_dir + ": not a directory");
  } else {
    std::cerr << "longforge review: no document store (--store): evidence is shown without "
                 "its text\n";
  }
  std::vector<std::string> warnings;
  auto index = review::SampleIndex::Build(flags.dir, store.get(), warnings);
  if (!index) Fail(index.error().message);
  for (const auto& w : warnings) std::cerr << "longforge review: " << w << "\n";
  const bool serving = flags.write_final.empty();
  auto log = review::DecisionLog::Open(flags.dir, /*writable=*/serving);
  if (!log) Fail(log.error().message);

  if (!serving) {
    review::FinalOptions options;
    options.out_dir = flags.write_final;
    if (!flags.format.empty()) options.format = workers::ParseSampleFormat(flags.format);
    if (!flags.context.empty()) {
      options.context = flags.context == "evidence" ? workers::SinkContext::kEvidence
                                                    : workers::SinkContext::kFull;
    }
    auto done = review::WriteFinal(**index, **log, store.get(), options);
    if (!done) Fail(done.error().message);
    std::cout << "wrote " << done->path << ": " << done->written << " samples ("
              << workers::SampleFormatName(done->format) << "); by people: " << done->human_accepted
              << " accepted, " << done->edited << " edited, " << done->human_rejected
              << " accepted samples rejected\n";
    return;
  }

  if (!review::IsLoopback(flags.server.address) && flags.server.token.empty()) {
    flags.server.token = RandomToken();
    std::cout << "token: " << flags.server.token << " (--addr is not loopback: every request "
              << "needs Authorization: Bearer TOKEN)\n";
  }
  auto server = review::ReviewServer::Start(flags.server, **index, **log, store.get());
  if (!server) Fail(server.error().message);
  std::cout << "review: " << (*index)->size() << " samples in " << flags.dir << "; decisions go to "
            << (*log)->path() << "\nopen " << (*server)->Url() << std::endl;
  while (!StopFlag().load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

}  // namespace

void AddReviewCommand(CLI::App& app) {
  auto flags = std::make_shared<ReviewFlags>();
  auto* cmd = app.add_subcommand(
      "review",
      "Serve a web page to browse a dataset directory written by the sink (accepted, "
      "rejected and review samples, filters, search, evidence in the document) and to "
      "accept, reject or correct samples (keys j/k/a/r/e); every decision is appended to "
      "DIR/decisions.jsonl. With --write-final OUT: write OUT/dataset.jsonl with the "
      "decisions applied, and exit.");
  cmd->add_option("dir", flags->dir,
                  "Directory holding the sink's dataset*.jsonl and rejected.jsonl")
      ->required();
  cmd->add_option("--store", flags->store_dir,
                  "Document store the samples' documents are in (default longforge-store, when "
                  "it exists)");
  cmd->add_option("--addr", flags->server.address,
                  "Address to listen on; anything but loopback requires a bearer token")
      ->capture_default_str();
  cmd->add_option("--port", flags->server.port, "Port to listen on (0: any free port)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--reviewer", flags->server.reviewer,
                  "Name recorded with decisions (the page can set its own)");
  cmd->add_option("--token", flags->server.token,
                  "Bearer token every request must carry (default with a non-loopback --addr: "
                  "a random one, printed)");
  cmd->add_option("--write-final", flags->write_final,
                  "Write OUT/dataset.jsonl with the decisions applied instead of serving");
  cmd->add_option("--format", flags->format,
                  "--write-final: messages, sharegpt, alpaca, rl-verl or rl-swift (default: "
                  "the format of DIR's dataset)")
      ->check(CLI::IsMember({"messages", "sharegpt", "alpaca", "rl-verl", "rl-swift"}));
  cmd->add_option("--context", flags->context,
                  "--write-final: context of samples accepted from rejected.jsonl, full or "
                  "evidence (default: what DIR's dataset carries)")
      ->check(CLI::IsMember({"full", "evidence"}));
  cmd->callback([flags] { Run(*flags); });
}

}  // namespace longforge::app
