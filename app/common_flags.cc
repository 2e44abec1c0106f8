#include "common_flags.h"

#include <charconv>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <variant>

#include "longforge/common/strings.h"

namespace longforge::app {

std::atomic<bool>& StopFlag() {
  static std::atomic<bool> stop{false};
  return stop;
}

namespace {
extern "C" void OnSignal(int) { StopFlag().store(true); }
}  // namespace

void InstallSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

kafka::KafkaOptions CommonFlags::Kafka(std::vector<std::string>& problems) const {
  kafka::KafkaOptions k;
  k.brokers = brokers;
  if (k.brokers.empty()) {
    if (const char* env = std::getenv("LONGFORGE_BROKERS")) k.brokers = env;
  }
  for (const auto& p : properties) {
    auto kv = kafka::ParseProperty(p);
    if (kv) {
      k.properties.push_back(kv.value());
    } else {
      problems.push_back(kv.error().message);
    }
  }
  const auto more = k.Validate();
  problems.insert(problems.end(), more.begin(), more.end());
  return k;
}

void CheckUnsignedFlags(CLI::App& app) {
  // No description, so --help still shows the option's type as UINT.
  const CLI::Validator unsigned_value(
      [](std::string& value) -> std::string {
        const std::string_view text = TrimAsciiSpace(value);
        if (text.starts_with('-')) return "must not be negative (got " + value + ")";
        std::uint64_t parsed = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
        if (ec == std::errc::result_out_of_range) return "is too large (got " + value + ")";
        if (ec != std::errc() || end != text.data() + text.size()) {
          return "must be a whole number (got " + value + ")";
        }
        return "";
      },
      "");
  for (CLI::Option* option : app.get_options()) {
    if (option->get_type_name().starts_with("UINT")) option->check(unsigned_value);
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    CheckUnsignedFlags(*sub);
  }
}

void AddKafkaFlags(CLI::App& cmd, CommonFlags& flags) {
  cmd.add_option("--brokers", flags.brokers,
                 "Kafka bootstrap servers (host:port,...); default $LONGFORGE_BROKERS");
  cmd.add_option("-X", flags.properties,
                 "librdkafka property key=value, repeatable (e.g. -X security.protocol=SASL_SSL)")
      ->allow_extra_args(false);
}

void AddStoreFlag(CLI::App& cmd, CommonFlags& flags) {
  cmd.add_option("--store", flags.store_dir, "Document store directory (shared by every worker)")
      ->capture_default_str();
}

void AddTokenizerFlag(CLI::App& cmd, CommonFlags& flags) {
  cmd.add_option("--tokenizer", flags.tokenizer,
                 "tokenizer.json or .tiktoken file for exact token counts; "
                 "default: a conservative estimate");
}

void AddMetricsFlags(CLI::App& cmd, CommonFlags& flags, int default_port) {
  flags.metrics.port = default_port;
  cmd.add_option("--metrics-addr", flags.metrics.address, "Interface for /metrics and /healthz")
      ->capture_default_str();
  cmd.add_option("--metrics-port", flags.metrics.port, "Port for /metrics and /healthz; 0 = off")
      ->capture_default_str();
}

void AddLlmFlags(CLI::App& cmd, llm::LlmConfig& c) {
  cmd.add_option("--llm-url", c.all.url,
                 "OpenAI-compatible base URL ending in /v1 (vLLM, SGLang, llama.cpp, TGI, Ollama, "
                 "hosted); none = the extractive baseline. API key: $LONGFORGE_LLM_API_KEY or "
                 "$OPENAI_API_KEY");
  cmd.add_option("--llm-model", c.all.model,
                 "Model name for every LLM stage without its own --<stage>-llm-model");
  // Each stage's own endpoint; a stage without one uses --llm-url/--llm-model.
  cmd.add_option("--map-llm-url", c.map.url, "LLM for the mapper only (one card per chunk)");
  cmd.add_option("--map-llm-model", c.map.model, "Model for the mapper");
  cmd.add_option("--question-llm-url", c.question.url,
                 "LLM for the questioner only (generated questions)");
  cmd.add_option("--question-llm-model", c.question.model, "Model for the questioner");
  cmd.add_option("--relevance-llm-url", c.relevance.url, "LLM for the relevance stage only");
  cmd.add_option("--relevance-llm-model", c.relevance.model, "Model for the relevance stage");
  cmd.add_option("--answer-llm-url", c.answer.url,
                 "LLM for the answer stage only (keywords, sub-questions, answers)");
  cmd.add_option("--answer-llm-model", c.answer.model, "Model for the answer stage");
  cmd.add_option("--judge-llm-url", c.judge.url, "LLM for the filter's answer judge only");
  cmd.add_option("--judge-llm-model", c.judge.model, "Model for the filter's answer judge");
  // Checked here as well as by each stage's client: without an LLM URL no client checks
  // them, and a bad value should not wait for the day a URL is added.
  cmd.add_option("--llm-concurrency", c.concurrency,
                 "LLM requests in flight per stage, at most: the client halves its limit when "
                 "the server says it is overloaded (429, 503, timeouts; Retry-After holds new "
                 "requests back) and raises it one at a time while latency stays flat")
      ->capture_default_str()
      ->check(CLI::Range(1, 100'000));
  cmd.add_flag("--fixed-llm-concurrency", c.fixed_concurrency,
               "Always keep --llm-concurrency requests in flight, overload or not");
  cmd.add_option("--llm-timeout", c.timeout_s, "Seconds allowed per LLM request")
      ->capture_default_str()
      ->check(CLI::Range(1, 86'400));
}

void AddPipelineFlags(CLI::App& cmd, PipelineConfig& config) {
  cmd.add_option_function<std::size_t>(
         "--chunk-tokens",
         [&config](std::size_t v) {
           config.chunker.chunk_tokens = v;
           config.sink.sink.window.tolerance_tokens = v;  // a window's depth is good to a chunk
         },
         "Reading chunk size in tokens")
      ->default_str(std::to_string(config.chunker.chunk_tokens));
  cmd.add_option("--max-document-bytes", config.chunker.max_document_bytes,
                 "Largest document accepted, in bytes")
      ->capture_default_str();
  cmd.add_option_function<std::string>(
         "--map",
         [&config](const std::string& mode) {
           using Mode = workers::MapperOptions::Mode;
           config.mapper.mode = mode == "always"  ? Mode::kAlways
                                : mode == "never" ? Mode::kNever
                                                  : Mode::kAuto;
         },
         "Which documents the mapper writes a map of (one card per chunk: an LLM call each): "
         "auto, those without supplied questions (their questions are generated from it); "
         "always; never (default auto)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd.add_option("--questions-per-call", config.questioner.questions_per_call,
                 "Questions sharing one relevance request (the chunk is read once for all)")
      ->capture_default_str();
  cmd.add_option("--questions-per-doc", config.questioner.sampling.questions_per_doc,
                 "Questions generated per document without supplied ones: -1 scales with "
                 "length (1 per 50k tokens, 1..20), 0 turns generation off")
      ->capture_default_str();
  cmd.add_option("--multi-hop-share", config.questioner.sampling.multi_hop_share,
                 "Share of generated questions that join two distant chunks")
      ->capture_default_str();
  cmd.add_flag("--balance-depth", config.questioner.sampling.balance_depth,
               "Spread the source chunks of generated questions evenly over the document: "
               "one equal slice of its chunks per source chunk, the two of each multi-hop "
               "pair included. Without it single-chunk questions are already one per slice, "
               "but multi-hop pairs fall anywhere at least 20% of the document apart, which "
               "crowds their chunks toward the end of the document (off by default)");
  cmd.add_option("--global-share", config.questioner.sampling.global_share,
                 "Share of a mapped document's generated questions that are about the whole "
                 "document (timeline, count, first_last: written by rule from the map, with "
                 "references computed from the text and checked by rule)")
      ->capture_default_str();
  cmd.add_option_function<std::string>(
      "--level",
      [&config](const std::string& v) {
        config.questioner.cascade = v == "auto";
        if (v == "auto") return;
        // Anything else that is not 1, 2 or 3 is reported with the other problems.
        config.questioner.level = v == "1" ? 1 : v == "2" ? 2 : v == "3" ? 3 : 0;
      },
      "Agent level of every task: 1 (keywords and BM25, no chunk read), 2 (every chunk "
      "judged, BM25 over the relevant ones), 3 (sub-questions first), or auto: a question "
      "with a reference starts at 1 and goes up a level when the filter finds its answer "
      "wrong (2, then 3 if multi-hop); one without a reference starts at 2 (3 if "
      "multi-hop); global questions read every chunk. Default: auto with an LLM, else 2");
  cmd.add_option_function<std::string>(
         "--scope",
         [&config](const std::string& scope) {
           config.questioner.scope = envelope::ParseScope(scope);  // "auto": unset
         },
         "Scope of supplied questions: local (a few passages answer it: retrieval), global "
         "(read the whole document and reduce every note in order), or auto: each question "
         "is routed (one short LLM call; a rule without an LLM) (default auto)")
      ->check(CLI::IsMember({"local", "global", "auto"}));
  cmd.add_option("--fan-out-bytes", config.questioner.fan_out_bytes,
                 "Bytes of relevance requests a questioner keeps on the broker at once, over "
                 "all its documents: it releases more as the relevance stage finishes them "
                 "(credits), so no topic backlog grows with document length or count")
      ->capture_default_str();
  cmd.add_option("--decontaminate", config.questioner.decontaminate,
                 "Benchmark files (JSONL with a \"question\" field, or one question a line): "
                 "a question sharing 13 words (13 characters in Chinese) with one of theirs, "
                 "or a near-duplicate of one, is rejected unanswered as contaminated")
      ->type_name("FILE");
  cmd.add_option_function<int>(
      "--gather-timeout",
      [&config](int s) { config.answer.gather_timeout = std::chrono::seconds(s); },
      "Seconds a task may go without a new chunk result before it stops waiting; its "
      "missing chunks count as unread (see --max-unread-share). Default: twice "
      "--llm-timeout, at least 60 (600)");
  cmd.add_option("--retrieval-chunk-tokens", config.answer.retrieval.chunk_tokens,
                 "Retrieval chunk size in tokens (the answer stage's BM25 units)")
      ->capture_default_str();
  cmd.add_option("--evidence-tokens", config.answer.retrieval.budget_tokens,
                 "Evidence budget handed to the answer model, in tokens")
      ->capture_default_str();
  AddLlmFlags(cmd, config.llm);
  cmd.add_option("--cache", config.llm.cache_path,
                 "SQLite response cache: a re-run replays finished LLM calls (run: default "
                 "<store>/llm-cache.sqlite)");
  cmd.add_option("--min-term-share", config.filter.min_term_share,
                 "Filter: share of the answer's content terms that must occur in the evidence")
      ->capture_default_str();
  cmd.add_option("--min-rouge-l-recall", config.filter.min_rouge_l_recall,
                 "Filter: ROUGE-L recall of the answer against the evidence below which it is "
                 "ungrounded")
      ->capture_default_str();
  cmd.add_option("--min-note-support", config.filter.min_note_support,
                 "Filter: share of a global answer's sentences (arc, compare, causal, supplied "
                 "global questions) that one of its notes must support, below which it is "
                 "rejected as unsupported_by_notes; 0 disables")
      ->capture_default_str();
  cmd.add_option("--min-reference-f1", config.filter.min_reference_f1,
                 "Filter: token F1 against the reference that counts as a match")
      ->capture_default_str();
  cmd.add_option("--max-unread-share", config.filter.max_unread_share,
                 "Filter: share of a task's chunks that may go unread (lost to the gather "
                 "timeout, failed LLM calls, unreadable replies) before the record is "
                 "rejected as incomplete_reading; 0 = every chunk must be read")
      ->capture_default_str();
  cmd.add_option("--max-answer-chars", config.filter.max_answer_chars,
                 "Filter: longer answers are rejected")
      ->capture_default_str();
  cmd.add_option_function<std::string>(
         "--closed-book",
         [&config](const std::string& v) { config.filter.closed_book = v == "on"; },
         "Filter: ask each question about to be accepted with no document; when that answer "
         "agrees with the reference (same verifier, rules and judge) the sample is rejected "
         "as answerable_without_document (it teaches nothing about reading). Needs an LLM "
         "(default on when one is given)")
      ->check(CLI::IsMember({"on", "off"}));
  cmd.add_flag("!--accept-on-judge-disagreement", config.filter.review_on_judge_disagreement,
               "Filter: when the rules and the LLM judge disagree, accept (the more lenient) "
               "instead of sending the sample to review");
  cmd.add_option("--hop-limit", config.answer.answer.hop_limit,
                 "Level 3: sub-questions per question before the answer is forced")
      ->capture_default_str();
  cmd.add_option("--max-in-flight", config.max_in_flight,
                 "Messages each stage works on at once; 0 or unset: 256, and at least twice "
                 "--llm-concurrency for stages that call an LLM");
  cmd.add_option("--out", config.sink.sink.out_dir,
                 "Output directory of the sink (dataset.jsonl, rejected.jsonl)");
  cmd.add_option_function<std::string>(
         "--context",
         [&config](const std::string& v) {
           config.sink.sink.context = v == "evidence" ? workers::SinkContext::kEvidence
                                      : v == "window" ? workers::SinkContext::kWindow
                                                      : workers::SinkContext::kFull;
         },
         "full: whole document + question (long-context SFT, default); evidence: the evidence "
         "passages + question; window: for each accepted sample, cuts of the document of "
         "exactly --window-tokens tokens (counted with --tokenizer) holding all its evidence, "
         "one record per --depths value (meta.window: offsets, evidence depth); what cannot be "
         "cut goes to skipped.jsonl with the reason")
      ->check(CLI::IsMember({"full", "evidence", "window"}));
  cmd.add_option_function<std::string>(
      "--window-tokens",
      [&config](const std::string& v) {
        const auto sizes = workers::ParseTokenSizes(v);
        const auto* ok = std::get_if<std::vector<std::size_t>>(&sizes);
        if (ok == nullptr || ok->size() != 1) {
          throw CLI::ValidationError("--window-tokens",
                                     ok ? "one size, e.g. 32k" : std::get<std::string>(sizes));
        }
        config.sink.sink.window.tokens = ok->front();
      },
      "--context window: tokens per window, e.g. 32768 or 32k (k = 1024)");
  cmd.add_option_function<std::string>(
      "--depths",
      [&config](const std::string& v) {
        const auto depths = workers::ParseDepths(v);
        if (const auto* why = std::get_if<std::string>(&depths)) {
          throw CLI::ValidationError("--depths", *why);
        }
        config.sink.sink.window.depths = std::get<std::vector<double>>(depths);
      },
      "--context window: where the evidence sits in each window, as a share of the window's "
      "other tokens before it (0 = at the start, 1 = at the end); one record per depth. "
      "Default 0,0.25,0.5,0.75,1. Within one reading chunk (--chunk-tokens) of the depth, or "
      "the window is skipped as depth_unreachable");
  cmd.add_option_function<std::string>(
      "--length-buckets",
      [&config](const std::string& v) {
        const auto sizes = workers::ParseTokenSizes(v);
        if (const auto* why = std::get_if<std::string>(&sizes)) {
          throw CLI::ValidationError("--length-buckets", *why);
        }
        config.sink.sink.length_buckets = std::get<std::vector<std::size_t>>(sizes);
      },
      "Token lengths, e.g. 32k,128k,512k: one dataset file per bucket, dataset-32k.jsonl, ... "
      "With --context window each bucket is a window size; otherwise each sample goes to the "
      "smallest bucket its context fits (dataset-over-512k.jsonl past the largest). With "
      "--order length, a short-to-long curriculum");
  cmd.add_option_function<std::string>(
         "--format",
         [&config](const std::string& v) {
           config.sink.sink.format =
               workers::ParseSampleFormat(v).value_or(workers::SampleFormat::kMessages);
         },
         "Dataset format: messages (OpenAI chat, default), sharegpt, alpaca (SFT); rl-verl "
         "(verl RL rows: prompt, reward_model.ground_truth, extra_info) or rl-swift (ms-swift "
         "GRPO: messages plus a solution column)")
      ->check(CLI::IsMember({"messages", "sharegpt", "alpaca", "rl-verl", "rl-swift"}));
  cmd.add_option_function<std::string>(
         "--order",
         [&config](const std::string& v) { config.sink.order_by_length = v == "length"; },
         "arrival (default) or length: when the run (or the sink) ends, sort each dataset file by "
         "context length, shortest first (a curriculum)")
      ->check(CLI::IsMember({"arrival", "length"}));
}

void FailOnProblems(const std::string& command, const std::vector<std::string>& problems) {
  if (problems.empty()) return;
  std::cerr << "longforge " << command << ": invalid configuration:\n";
  for (const auto& p : problems) std::cerr << "  - " << p << "\n";
  throw CLI::RuntimeError(1);
}

}  // namespace longforge::app
