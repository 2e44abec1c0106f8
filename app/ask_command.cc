#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

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

// Prints the record that ended the single question, with excerpts of its evidence.
void PrintAnswer(const envelope::SampleRecord& sample, const std::string& store_dir) {
  const envelope::AnswerRecord& r = sample.record;
  std::cout << "answer: " << (r.answer.empty() ? "(none)" : r.answer) << "\n";
  switch (sample.verdict.decision) {
    case envelope::Decision::kAccept:
      break;
    case envelope::Decision::kReject:
    case envelope::Decision::kReview:
      std::cout << "filter: " << envelope::ToString(sample.verdict.decision) << " (";
      for (const auto& reason : sample.verdict.reasons) std::cout << reason << " ";
      std::cout << ")\n";
      break;
  }
  std::cout << "backend: " << r.backend << "; chunks read " << r.chunks_total << ", relevant "
            << r.chunks_relevant << ", lost " << r.chunks_lost << "; llm calls " << r.usage.calls
            << "\n";
  auto store = store::DocumentStore::Open(store_dir);
  for (const auto& span : r.evidence) {
    std::string excerpt;
    if (store) {
      auto text = (*store)->GetRange(store::DocumentStore::TextKey(r.task.doc_id), span.begin,
                                     std::min<uint64_t>(span.end, span.begin + 160));
      if (text) excerpt = *text;
    }
    for (char& c : excerpt) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    std::cout << "evidence [" << span.begin << ", " << span.end << "): " << excerpt
              << (span.end - span.begin > 160 ? "…" : "") << "\n";
  }
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
    // One question, so one record; RunPipeline has returned before it is read.
    std::optional<envelope::SampleRecord> answer;
    run.on_sample = [&answer](const envelope::SampleRecord& s) {
      if (!answer) answer = s;
    };
    auto outcome = RunPipeline(run);
    if (!outcome) {
      std::cerr << "longforge ask: " << outcome.error().message << "\n";
      throw CLI::RuntimeError(1);
    }
    if (outcome->input_problems > 0) {
      for (const auto& n : outcome->summary.notes) std::cerr << n << "\n";
      throw CLI::RuntimeError(2);
    }
    if (answer) {
      PrintAnswer(*answer, run.common.store_dir);
    } else {
      std::cout << "no answer record was written (see the log)\n";
    }
    std::error_code ec;
    fs::remove_all(work, ec);
  });
}

}  // namespace longforge::app
