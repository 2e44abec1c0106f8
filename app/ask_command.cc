#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "longforge/store/document_store.h"
#include "run/pipeline_runner.h"

namespace longforge::app {
namespace {

namespace fs = std::filesystem;

struct AskArgs {
  RunOptions run;
  std::string doc;
  std::string question;
};

// Prints the answer record the sink wrote for the single question.
void PrintAnswer(const std::string& out_dir, const std::string& store_dir) {
  for (const char* file : {"dataset.jsonl", "rejected.jsonl"}) {
    std::ifstream in(out_dir + "/" + file);
    std::string line;
    if (!std::getline(in, line)) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) continue;
    const auto& meta = j["meta"];
    const std::string answer = j.contains("messages")
                                   ? j["messages"][1]["content"].get<std::string>()
                                   : j.value("answer", "");
    std::cout << "answer: " << (answer.empty() ? "(none)" : answer) << "\n";
    if (meta["decision"] != "accept") {
      std::cout << "filter: " << meta["decision"].get<std::string>() << " (";
      for (const auto& r : meta["reasons"]) std::cout << r.get<std::string>() << " ";
      std::cout << ")\n";
    }
    std::cout << "backend: " << meta["backend"].get<std::string>() << "; chunks read "
              << meta["chunks_total"] << ", relevant " << meta["chunks_relevant"] << ", lost "
              << meta["chunks_lost"] << "; llm calls " << meta["llm_calls"] << "\n";
    auto store = store::DocumentStore::Open(store_dir);
    for (const auto& span : meta["evidence"]) {
      const uint64_t begin = span[0], end = span[1];
      std::string excerpt;
      if (store) {
        auto text = (*store)->GetRange(store::DocumentStore::TextKey(meta["doc_id"]), begin,
                                       std::min<uint64_t>(end, begin + 160));
        if (text) excerpt = *text;
      }
      for (char& c : excerpt) {
        if (c == '\n' || c == '\r') c = ' ';
      }
      std::cout << "evidence [" << begin << ", " << end << "): " << excerpt
                << (end - begin > 160 ? "…" : "") << "\n";
    }
    return;
  }
  std::cout << "no answer record was written (see the log)\n";
}

}  // namespace

void AddAskCommand(CLI::App& app) {
  auto args = std::make_shared<AskArgs>();
  auto* cmd = app.add_subcommand(
      "ask",
      "Ask one question of one document: runs the same pipeline in this process on the "
      "embedded Kafka and prints the answer, then the evidence with its byte positions.");
  cmd->add_option("--doc", args->doc, "The document (UTF-8 text)")->required();
  cmd->add_option("question", args->question, "The question")->required();
  args->run.common.store_dir = (fs::temp_directory_path() / "longforge-ask-store").string();
  AddStoreFlag(*cmd, args->run.common);
  AddTokenizerFlag(*cmd, args->run.common);
  AddPipelineFlags(*cmd, args->run.pipeline);
  cmd->callback([args] {
    std::ifstream in(args->doc, std::ios::binary);
    if (!in) {
      std::cerr << "longforge ask: " << args->doc << ": cannot open\n";
      throw CLI::RuntimeError(1);
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const fs::path work =
        fs::temp_directory_path() / ("longforge-ask-" + std::to_string(::getpid()));
    fs::create_directories(work);
    const nlohmann::json line = {{"title", fs::path(args->doc).stem().string()},
                                 {"text", text},
                                 {"questions", {{{"question", args->question}}}}};
    std::ofstream(work / "input.jsonl")
        << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    RunOptions run = args->run;
    run.inputs = {(work / "input.jsonl").string()};
    run.pipeline.sink.sink.out_dir = (work / "out").string();
    run.pipeline.sink.sink.context = workers::SinkContext::kEvidence;
    if (run.pipeline.llm.cache_path.empty()) {
      run.pipeline.llm.cache_path = run.common.store_dir + "/llm-cache.sqlite";
    }
    run.common.metrics.port = 0;
    auto outcome = RunPipeline(run);
    if (!outcome) {
      std::cerr << "longforge ask: " << outcome.error().message << "\n";
      throw CLI::RuntimeError(1);
    }
    if (outcome->input_problems > 0) {
      for (const auto& n : outcome->summary.notes) std::cerr << n << "\n";
      throw CLI::RuntimeError(2);
    }
    PrintAnswer(run.pipeline.sink.sink.out_dir, run.common.store_dir);
    std::error_code ec;
    fs::remove_all(work, ec);
  });
}

}  // namespace longforge::app
