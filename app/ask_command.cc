#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "commands.h"
#include "longforge/store/document_store.h"
#include "longforge/store/document_text.h"
#include "run/pipeline_runner.h"

namespace longforge::app {
namespace {

namespace fs = std::filesystem;

struct AskArgs {
  RunOptions run;
  std::string doc;
  std::string question;
  bool no_cache = false;  // --no-cache: no LLM response cache at all
};

// A directory only this user can enter (mkdtemp: mode 0700) under $TMPDIR or /tmp,
// removed with its contents when the object goes out of scope, on every path out of
// the command (an answer, an error, an exception), so runs and users share nothing.
class PrivateTempDir {
 public:
  // Throws CLI::RuntimeError(1) after saying why when the directory cannot be made.
  explicit PrivateTempDir(const std::string& prefix) {
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string name = (base / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(name.data()) == nullptr) {
      std::cerr << "longforge ask: cannot create a private directory " << name << ": "
                << std::strerror(errno) << " (set TMPDIR, or pass --store DIR)\n";
      throw CLI::RuntimeError(1);
    }
    path_ = name;
  }
  ~PrivateTempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
    if (ec) spdlog::warn("could not remove {}: {}", path_.string(), ec.message());
  }
  PrivateTempDir(const PrivateTempDir&) = delete;
  PrivateTempDir& operator=(const PrivateTempDir&) = delete;

  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
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
  if (const auto& c = sample.verdict.contamination) {
    std::cout << "benchmark (" << c->method << "): " << c->source << ": " << c->item << "\n";
  }
  std::cout << "backend: " << r.backend << "; chunks read " << r.chunks_total << ", relevant "
            << r.chunks_relevant << ", lost " << r.chunks_lost << "; llm calls " << r.usage.calls
            << "\n";
  if (r.task.scope == envelope::Scope::kGlobal) {
    std::cout << "reading: global, " << r.notes << " notes, reduce depth " << r.reduce_depth
              << "\n";
    std::string cited;
    std::set<std::string> seen;
    for (const auto& span : r.evidence) {
      if (span.chapter.empty() || !seen.insert(span.chapter).second) continue;
      cited += (cited.empty() ? "" : "; ") + span.chapter;
    }
    if (!cited.empty()) std::cout << "chapters: " << cited << "\n";
  }
  auto store = store::DocumentStore::Open(store_dir);
  constexpr std::size_t kMaxSpansShown = 20;
  std::size_t shown = 0;
  for (const auto& span : r.evidence) {
    if (shown++ == kMaxSpansShown) {
      std::cout << "… and " << r.evidence.size() - kMaxSpansShown << " more evidence spans\n";
      break;
    }
    std::string excerpt;
    if (store) {
      auto text = (*store)->GetRange(store::DocumentStore::TextKey(r.task.doc_id), span.begin,
                                     std::min<uint64_t>(span.end, span.begin + 160));
      if (text) excerpt = *text;
    }
    for (char& c : excerpt) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    std::cout << "evidence [" << span.begin << ", " << span.end << ")"
              << (span.chapter.empty() ? "" : " in " + span.chapter) << ": " << excerpt
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
  args->run.common.store_dir.clear();  // empty: a private store, gone at exit
  cmd->add_option("--store", args->run.common.store_dir,
                  "Keep the document store and its LLM cache (llm-cache.sqlite) in this "
                  "directory, where later asks reuse them; default: a private temporary "
                  "directory removed at exit");
  AddTokenizerFlag(*cmd, args->run.common);
  AddPipelineFlags(*cmd, args->run.pipeline);
  cmd->add_flag("--no-cache", args->no_cache, "Do not use or write an LLM response cache");
  cmd->callback([args] {
    std::error_code ec;
    if (fs::is_directory(args->doc, ec)) {
      std::cerr << "longforge ask: " << args->doc << ": is a directory, not a document\n";
      throw CLI::RuntimeError(1);
    }
    std::ifstream in(args->doc, std::ios::binary);
    if (!in) {
      std::cerr << "longforge ask: " << args->doc << ": cannot open\n";
      throw CLI::RuntimeError(1);
    }
    const std::size_t max_bytes = args->run.pipeline.chunker.max_document_bytes;
    if (const auto size = fs::file_size(args->doc, ec); !ec && size > max_bytes) {
      std::cerr << "longforge ask: input rejected: " << args->doc << ": " << size
                << " bytes is over the limit of " << max_bytes << " (--max-document-bytes)\n";
      throw CLI::RuntimeError(2);
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Checked here, as ingest checks a file: once in a JSON line, invalid UTF-8 would be
    // replaced without a word and a NUL byte's offset would no longer be the file's.
    if (auto checked = store::PrepareDocument(text, args->doc, max_bytes); !checked) {
      std::cerr << "longforge ask: input rejected: " << checked.error().message << "\n";
      throw CLI::RuntimeError(2);
    }
    const PrivateTempDir work("longforge-ask");
    const std::string input = (work.path() / "input.jsonl").string();
    const nlohmann::json line = {{"title", fs::path(args->doc).stem().string()},
                                 {"text", text},
                                 {"questions", {{{"question", args->question}}}}};
    std::ofstream(input) << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                         << "\n";
    RunOptions run = args->run;
    if (run.common.store_dir.empty()) run.common.store_dir = (work.path() / "store").string();
    run.inputs = {input};
    run.pipeline.sink.sink.out_dir = (work.path() / "out").string();
    run.pipeline.sink.sink.context = workers::SinkContext::kEvidence;
    if (args->no_cache) {
      run.pipeline.llm.cache_path.clear();
    } else if (run.pipeline.llm.cache_path.empty()) {
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
      // The notes name the private input file; the user knows it as --doc.
      for (std::string n : outcome->summary.notes) {
        if (const auto at = n.find(input + ":1"); at != std::string::npos) {
          n.replace(at, input.size() + 2, args->doc);
        }
        std::cerr << "longforge ask: " << n << "\n";
      }
      throw CLI::RuntimeError(2);
    }
    if (answer) {
      PrintAnswer(*answer, run.common.store_dir);
    } else {
      std::cout << "no answer record was written (see the log)\n";
    }
  });
}

}  // namespace longforge::app
