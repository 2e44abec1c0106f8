// `longforge run` and `longforge ingest` as a user runs them: the binary, its exit
// code, its summary and its files.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "longforge/text/bpe_tokenizer.h"
#include "support/subprocess.h"
#include "validate.h"

namespace longforge::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kExamples = std::string(LONGFORGE_SOURCE_DIR) + "/examples/docs";

CommandResult RunPipeline(const std::string& dir, const std::vector<std::string>& inputs,
                          const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {
      LongforgeBinary(), "run",           "--out",          dir + "/out", "--store",
      dir + "/store",    "--no-progress", "--metrics-port", "0"};
  for (const auto& i : inputs) {
    args.push_back("--input");
    args.push_back(i);
  }
  // Supplied questions only, unless the test asks for generated ones.
  if (std::find(extra.begin(), extra.end(), "--questions-per-doc") == extra.end()) {
    args.insert(args.end(), {"--questions-per-doc", "0"});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return RunCommand(args, 300s);
}

TEST(Run, AccountsForEveryTaskOfTheExamples) {
  const std::string dir = TempDir();
  const auto r = RunPipeline(dir, {kExamples});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // 3 documents with 5 + 2 + 2 questions, and one text file without questions.
  EXPECT_TRUE(Contains(r.out, "documents:      4 ")) << r.out;
  EXPECT_TRUE(Contains(r.out, "tasks:          9 (ended 9)")) << r.out;
  EXPECT_TRUE(Contains(r.out, "backend:        extractive (no LLM)")) << r.out;
  const auto dataset = ReadLines(dir + "/out/dataset.jsonl");
  const auto rejected = ReadLines(dir + "/out/rejected.jsonl");
  EXPECT_EQ(dataset.size() + rejected.size(), 9u);
  EXPECT_TRUE(Contains(r.out, "accepted:       " + std::to_string(dataset.size()) + "\n"));
  EXPECT_TRUE(Contains(r.out, "rejected:       " + std::to_string(rejected.size()) + "\n"));
  for (const auto& line : dataset) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["messages"][1]["role"], "assistant");
    EXPECT_FALSE(j["messages"][1]["content"].get<std::string>().empty());
    EXPECT_EQ(j["meta"]["backend"], "extractive (no LLM)");
    // The question's language is recorded: the examples are English and Chinese.
    const std::string question = j["messages"][0]["content"];
    const bool chinese = question.find("茶馆") != std::string::npos;
    EXPECT_EQ(j["meta"]["language"], chinese ? "zh" : "en") << question;
  }
  if (const auto why = ValidatorUnavailable(); !why.empty()) GTEST_FAIL() << why;
  std::string out;
  EXPECT_EQ(ValidateJsonl({dir + "/out/dataset.jsonl"}, "messages", out), 0) << out;
  EXPECT_EQ(ValidateJsonl({dir + "/out/rejected.jsonl"}, "rejected", out), 0) << out;
}

TEST(Run, SecondRunOverTheSameOutputWritesNoDuplicates) {
  const std::string dir = TempDir();
  ASSERT_EQ(RunPipeline(dir, {kExamples}).exit_code, 0);
  const auto first = ReadLines(dir + "/out/dataset.jsonl");
  const auto again = RunPipeline(dir, {kExamples});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(Contains(again.out, "tasks:          9 (ended 9)")) << again.out;
  EXPECT_EQ(ReadLines(dir + "/out/dataset.jsonl"), first);
}

TEST(Run, ReportsBadInputsAndProcessesTheRest) {
  const std::string dir = TempDir();
  const std::string in = dir + "/in";
  fs::create_directories(in);
  fs::copy_file(kExamples + "/reports.jsonl", in + "/good.jsonl");
  std::ofstream(in + "/binary.bin") << std::string("PK\x03\x04\0\0junk", 10);
  std::ofstream(in + "/latin1.txt") << "caf\xe9 au lait";
  std::ofstream(in + "/empty.txt");
  std::ofstream(in + "/blank.txt") << "  \n\t\n";
  std::ofstream(in + "/lines.jsonl") << "{\"text\": \"ok line\"}\nnot json\n{\"title\": \"x\"}\n"
                                     << "{\"text\": \"t\", \"questions\": {}}\n";
  const auto r = RunPipeline(dir, {in, dir + "/does-not-exist.txt"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "binary.bin: NUL byte at offset 4")) << r.err;
  EXPECT_TRUE(Contains(r.err, "latin1.txt: invalid UTF-8 at byte offset 3")) << r.err;
  EXPECT_TRUE(Contains(r.err, "empty.txt: empty document")) << r.err;
  EXPECT_TRUE(Contains(r.err, "blank.txt: only whitespace")) << r.err;
  EXPECT_TRUE(Contains(r.err, "lines.jsonl:2: not valid JSON")) << r.err;
  EXPECT_TRUE(Contains(r.err, "lines.jsonl:3: missing \"text\"")) << r.err;
  EXPECT_TRUE(Contains(r.err, "lines.jsonl:4: \"questions\" must be an array")) << r.err;
  EXPECT_TRUE(Contains(r.err, "does-not-exist.txt: No such file or directory")) << r.err;
  EXPECT_TRUE(Contains(r.out, "8 inputs rejected at ingest")) << r.out;
  // The good documents still went all the way through.
  EXPECT_TRUE(Contains(r.out, "tasks:          9 (ended 9)")) << r.out;
}

TEST(Run, ReadsAJsonlDocumentFromStdin) {
  const std::string dir = TempDir();
  const nlohmann::json doc = {
      {"text", "The bridge over the Lune was rebuilt in 1911 after the flood."},
      {"questions", {{{"question", "When was the bridge over the Lune rebuilt?"}}}}};
  const auto r = RunCommand({LongforgeBinary(), "run", "--input", "-", "--stdin-format", "jsonl",
                             "--out", dir + "/out", "--store", dir + "/store", "--no-progress"},
                            120s, doc.dump() + "\n");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto lines = ReadLines(dir + "/out/dataset.jsonl");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("rebuilt in 1911"), std::string::npos);
}

TEST(Run, WritesShareGptAndAlpacaLinesThatValidate) {
  for (const std::string format : {"sharegpt", "alpaca"}) {
    const std::string dir = TempDir() + "-" + format;
    fs::remove_all(dir);
    const auto r = RunPipeline(dir, {kExamples}, {"--format", format, "--context", "evidence"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto lines = ReadLines(dir + "/out/dataset.jsonl");
    ASSERT_GE(lines.size(), 6u);
    for (const auto& line : lines) {
      const auto j = nlohmann::json::parse(line);
      if (format == "alpaca") {
        EXPECT_FALSE(j["input"].get<std::string>().empty()) << "evidence context expected";
        EXPECT_FALSE(j["output"].get<std::string>().empty());
      } else {
        EXPECT_EQ(j["conversations"][0]["from"], "human");
        EXPECT_EQ(j["conversations"][1]["from"], "gpt");
      }
    }
    if (const auto why = ValidatorUnavailable(); !why.empty()) GTEST_FAIL() << why;
    std::string out;
    EXPECT_EQ(ValidateJsonl({dir + "/out/dataset.jsonl"}, format, out), 0) << out;
  }
}

TEST(Run, RlFormatsValidateSummariseAndExportForTrainers) {
  if (const auto why = ValidatorUnavailable(); !why.empty()) GTEST_FAIL() << why;
  for (const std::string format : {"rl-verl", "rl-swift"}) {
    SCOPED_TRACE(format);
    const std::string dir = TempDir() + "-" + format;
    fs::remove_all(dir);
    const auto r = RunPipeline(dir, {kExamples}, {"--format", format});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string out = dir + "/out";
    const auto lines = ReadLines(out + "/dataset.jsonl");
    ASSERT_GE(lines.size(), 6u);
    for (const auto& line : lines) {
      const auto j = nlohmann::json::parse(line);
      const auto& meta = j.at(format == "rl-verl" ? "extra_info" : "meta");
      const auto& truth =
          format == "rl-verl" ? j.at("reward_model").at("ground_truth") : j.at("solution");
      EXPECT_FALSE(truth.get<std::string>().empty()) << line;
      // A question without a reference is scored against the accepted answer, and says so.
      const auto& reference = meta.at("reference");
      const bool has_reference = reference.is_string() && !reference.get<std::string>().empty();
      EXPECT_EQ(meta.at("reference_source"), has_reference ? "reference" : "answer");
    }
    std::string validated;
    EXPECT_EQ(ValidateJsonl({out + "/dataset.jsonl"}, format, validated), 0) << validated;
    const auto stats = RunCommand({LongforgeBinary(), "stats", out});
    ASSERT_EQ(stats.exit_code, 0) << stats.err;
    EXPECT_TRUE(Contains(stats.out, "accepted " + std::to_string(lines.size()))) << stats.out;

    const auto lf = RunCommand({LongforgeBinary(), "export", out, "--trainer", "llamafactory"});
    const auto swift = RunCommand({LongforgeBinary(), "export", out, "--trainer", "swift"});
    if (format == "rl-verl") {
      EXPECT_EQ(lf.exit_code, 1);
      EXPECT_TRUE(Contains(lf.err, "dataset.jsonl: rl-verl lines, which llamafactory cannot"))
          << lf.err;
      EXPECT_EQ(swift.exit_code, 1);
      continue;
    }
    ASSERT_EQ(lf.exit_code, 0) << lf.err;
    EXPECT_TRUE(Contains(lf.out, "(rl-swift, " + std::to_string(lines.size()) + " samples"))
        << lf.out;
    EXPECT_TRUE(Contains(lf.out, "llamafactory-cli train ")) << lf.out;
    std::ifstream info_file(out + "/dataset_info.json");
    const auto info = nlohmann::json::parse(info_file, nullptr, false);
    ASSERT_TRUE(info.is_object());
    EXPECT_EQ(info.at("longforge").at("columns"), (nlohmann::json{{"messages", "messages"}}));
    ASSERT_EQ(swift.exit_code, 0) << swift.err;
    EXPECT_TRUE(Contains(swift.out, "swift sft --model ")) << swift.out;
    EXPECT_TRUE(Contains(swift.out, "/out/dataset.jsonl --max_length 32768")) << swift.out;
  }
}

TEST(Run, OrderLengthWritesACurriculumAndStatsSummarisesIt) {
  const std::string dir = TempDir();
  const auto r = RunPipeline(dir, {kExamples}, {"--order", "length"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::size_t previous = 0;
  const auto lines = ReadLines(dir + "/out/dataset.jsonl");
  ASSERT_GE(lines.size(), 6u);
  for (const auto& line : lines) {
    const std::size_t length =
        nlohmann::json::parse(line)["messages"][0]["content"].get<std::string>().size();
    EXPECT_GE(length, previous) << "not sorted by context length";
    previous = length;
  }
  const auto stats = RunCommand({LongforgeBinary(), "stats", dir + "/out"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  const std::size_t accepted = ReadLines(dir + "/out/dataset.jsonl").size();
  const std::size_t rejected = ReadLines(dir + "/out/rejected.jsonl").size();
  EXPECT_EQ(accepted + rejected, 9u);
  EXPECT_TRUE(Contains(stats.out, "samples: 9 (accepted " + std::to_string(accepted) +
                                      ", rejected " + std::to_string(rejected) + ", review 0)"))
      << stats.out;
  EXPECT_TRUE(Contains(stats.out, "empty_answer: 1")) << stats.out;
  EXPECT_TRUE(Contains(stats.out, "supplied: " + std::to_string(accepted))) << stats.out;

  std::ofstream(dir + "/out/rejected.jsonl", std::ios::app) << "not a record\n";
  const auto bad = RunCommand({LongforgeBinary(), "stats", dir + "/out"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(Contains(
      bad.err, "rejected.jsonl:" + std::to_string(rejected + 1) + ": not a longforge sink record"))
      << bad.err;
}

TEST(Run, GeneratesVerifiedQuestionsForABookWithTheExtractiveBackend) {
  const std::string book =
      std::string(LONGFORGE_SOURCE_DIR) + "/../shared/data/books/en_moby_dick_pg2701.txt";
  if (!fs::exists(book)) GTEST_SKIP() << book << " is absent; this test needs ../shared/data";
  const std::string dir = TempDir();
  const auto r = RunPipeline(dir, {book}, {"--questions-per-doc", "10"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto dataset = ReadLines(dir + "/out/dataset.jsonl");
  const auto rejected = ReadLines(dir + "/out/rejected.jsonl");
  EXPECT_GE(dataset.size() + rejected.size(), 8u) << r.out;
  EXPECT_TRUE(Contains(
      r.out, "tasks:          " + std::to_string(dataset.size() + rejected.size()) + " (ended"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "rejected:       " + std::to_string(rejected.size()) + "\n"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "questions generated by extractive (no LLM)")) << r.out;
  std::set<std::string> types;
  for (const auto& line : dataset) {
    const auto meta = nlohmann::json::parse(line)["meta"];
    EXPECT_EQ(meta["origin"], "generated");
    EXPECT_FALSE(meta["reference"].get<std::string>().empty());
    EXPECT_FALSE(meta["source_chunks"].empty());
    types.insert(meta["question_type"].get<std::string>());
  }
  EXPECT_FALSE(types.empty());
  if (const auto why = ValidatorUnavailable(); !why.empty()) GTEST_FAIL() << why;
  std::string out;
  EXPECT_EQ(ValidateJsonl({dir + "/out/dataset.jsonl"}, "messages", out), 0) << out;
  EXPECT_EQ(ValidateJsonl({dir + "/out/rejected.jsonl"}, "rejected", out), 0) << out;
}

TEST(Run, ReportsEveryConfigurationProblemAtOnce) {
  const std::string dir = TempDir();
  const auto r = RunPipeline(dir, {kExamples},
                             {"--chunk-tokens", "3", "--level", "7", "--questions-per-call", "0",
                              "--min-reference-f1", "2"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "--chunk-tokens must be 16..100000")) << r.err;
  EXPECT_TRUE(Contains(r.err, "--level must be 1, 2 or 3")) << r.err;
  EXPECT_TRUE(Contains(r.err, "--questions-per-call must be 1..32")) << r.err;
  EXPECT_TRUE(Contains(r.err, "min reference F1 must be in [0, 1]")) << r.err;
}

TEST(Run, ChunksAndAnswersOverABook) {
  const std::string book =
      std::string(LONGFORGE_SOURCE_DIR) + "/../shared/data/books/en_moby_dick_pg2701.txt";
  if (!fs::exists(book)) GTEST_SKIP() << book << " is absent; this test needs ../shared/data";
  const std::string dir = TempDir();
  std::ifstream in(book);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const nlohmann::json doc = {
      {"title", "Moby Dick"},
      {"text", text},
      {"questions",
       {{{"question", "What is the name of the ship commanded by Captain Ahab?"}},
        {{"question", "Who is the harpooneer from Kokovoko?"}},
        {{"question", "What did Ahab lose to the white whale?"}}}}};
  std::ofstream(dir + "/book.jsonl") << doc.dump() << "\n";
  const auto r = RunPipeline(dir, {dir + "/book.jsonl"}, {"--context", "evidence"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "tasks:          3 (ended 3)")) << r.out;
  std::size_t lines = 0;
  for (const auto& line : ReadLines(dir + "/out/dataset.jsonl")) {
    const auto meta = nlohmann::json::parse(line)["meta"];
    // A real book: every chunk was read for every question.
    EXPECT_GT(meta["chunks_total"].get<int>(), 300);
    EXPECT_EQ(meta["chunks_lost"], 0);
    ++lines;
  }
  EXPECT_EQ(lines + ReadLines(dir + "/out/rejected.jsonl").size(), 3u);
}

// --context window as a data team runs it: generated questions over a real book, each
// accepted sample cut into windows of exactly N tokens of the exact tokenizer, holding
// what the sample quotes, at each depth asked; --length-buckets puts each size in a file.
TEST(Run, ContextWindowsHaveExactlyNTokensWithTheQuotedEvidenceAtEachDepth) {
  const std::string data = std::string(LONGFORGE_SOURCE_DIR) + "/../shared/data/";
  const std::string book = data + "books/en_war_and_peace_pg2600.txt";
  const std::string tokenizer = data + "tokenizers/qwen3/tokenizer.json";
  if (!fs::exists(book) || !fs::exists(tokenizer)) {
    GTEST_SKIP() << book << " or " << tokenizer << " is absent; this test needs ../shared/data";
  }
  auto qwen = text::BpeTokenizer::Load(tokenizer);
  ASSERT_TRUE(qwen.ok()) << qwen.error().message;
  const std::string dir = TempDir();
  {
    std::ifstream in(book, std::ios::binary);
    std::string text(700'000, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    std::ofstream(dir + "/book.txt", std::ios::binary) << text;
  }
  const auto r =
      RunPipeline(dir, {dir + "/book.txt"},
                  {"--questions-per-doc", "8", "--global-share", "0", "--tokenizer", tokenizer,
                   "--context", "window", "--window-tokens", "16k", "--depths", "0,0.5,1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::size_t windows = 0;
  std::set<double> depths;
  for (const auto& line : ReadLines(dir + "/out/dataset.jsonl")) {
    const auto j = nlohmann::json::parse(line);
    const auto& m = j["meta"];
    const std::string prompt = j["messages"][0]["content"];
    const std::string window = prompt.substr(
        0, m["window"]["end"].get<std::size_t>() - m["window"]["begin"].get<std::size_t>());
    const std::string id = m["record_id"];
    EXPECT_EQ((*qwen)->Count(window), 16384u) << id;
    for (const auto& quote : m["quotes"]) {
      EXPECT_NE(window.find(quote.get<std::string>()), std::string::npos) << id << ": " << quote;
    }
    const double depth = m["window"]["depth"];
    const double free = 16384.0 - m["window"]["evidence_tokens"].get<double>();
    const double before = m["window"]["tokens_before"];
    EXPECT_LE(std::abs(before - depth * free), 1000.0) << id << " (one reading chunk)";
    depths.insert(depth);
    ++windows;
  }
  EXPECT_GE(windows, 6u) << r.out;
  EXPECT_EQ(depths, (std::set<double>{0, 0.5, 1}));
  const auto stats = RunCommand({LongforgeBinary(), "stats", dir + "/out"}, 60s);
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_TRUE(Contains(stats.out, "evidence depth in the context of accepted samples"))
      << stats.out;

  // Two length buckets: each size has its file.
  fs::create_directories(dir + "/b");
  const auto b = RunPipeline(
      dir + "/b", {dir + "/book.txt"},
      {"--questions-per-doc", "8", "--global-share", "0", "--tokenizer", tokenizer, "--context",
       "window", "--length-buckets", "8k,32k", "--depths", "0.5", "--order", "length"});
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  for (const auto& [file, tokens] :
       {std::pair{"dataset-8k.jsonl", 8192u}, {"dataset-32k.jsonl", 32768u}}) {
    const auto lines = ReadLines(dir + "/b/out/" + file);
    EXPECT_FALSE(lines.empty()) << file;
    for (const auto& line : lines) {
      const auto m = nlohmann::json::parse(line)["meta"];
      EXPECT_EQ(m["window"]["tokens"], tokens) << file;
      EXPECT_EQ(m["length_bucket"], file == std::string("dataset-8k.jsonl") ? "8k" : "32k");
    }
  }
}

// A document event the broker refuses (here: over message.max.bytes, its supplied
// question being 1.2 MB) used to leave `run` waiting forever for its tasks.
TEST(Run, ADocumentThatCannotBePublishedEndsTheRunWithExitOne) {
  const std::string dir = TempDir();
  const nlohmann::json doc = {
      {"id", "too-big"},
      {"text", "The ship sailed north along the grey coast."},
      {"questions", {{{"question", "Why " + std::string(1'200'000, 'x') + "?"}}}}};
  std::ofstream(dir + "/docs.jsonl") << doc.dump() << "\n";
  const auto r = RunPipeline(dir, {dir + "/docs.jsonl"}, {});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "document too-big")) << r.err;
  EXPECT_TRUE(Contains(r.err, "could not be published to lf.documents")) << r.err;
}

TEST(Ingest, UnreachableBrokerFailsWithAClearMessage) {
  const std::string dir = TempDir();
  const auto r =
      RunCommand({LongforgeBinary(), "ingest", "--brokers",
                  "127.0.0.1:" + std::to_string(FreePort()), "--store", dir + "/store", kExamples},
                 60s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "cannot reach Kafka at 127.0.0.1:")) << r.err;
}

TEST(Ingest, NeedsBrokersAndInputs) {
  const auto r = RunCommand({LongforgeBinary(), "ingest"}, 30s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "no brokers")) << r.err;
  EXPECT_TRUE(Contains(r.err, "nothing to ingest")) << r.err;
}

// Every command: a wrong or missing argument could not run (exit 1, CLI11's message on
// stderr); --help is not an error.
TEST(Cli, ArgumentErrorsExitOneWithTheParsersMessage) {
  const std::vector<std::vector<std::string>> wrong = {{},
                                                       {"run"},
                                                       {"run", "--no-such-flag"},
                                                       {"ask"},
                                                       {"stats"},
                                                       {"export"},
                                                       {"export", "out"},
                                                       {"worker"},
                                                       {"worker", "no-such-stage"},
                                                       {"tokenize"},
                                                       {"broker", "--bogus"},
                                                       {"sink", "--bogus"},
                                                       {"no-such-command"}};
  for (const auto& args : wrong) {
    std::vector<std::string> argv = {LongforgeBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = RunCommand(argv, 30s);
    std::string shown = "longforge";
    for (const auto& a : args) shown += " " + a;
    EXPECT_EQ(r.exit_code, 1) << shown << "\n" << r.err;
    EXPECT_FALSE(r.err.empty()) << shown << " printed no reason";
  }
  for (const std::vector<std::string>& help :
       {std::vector<std::string>{"--help"}, {"run", "--help"}, {"worker", "--help"}}) {
    std::vector<std::string> argv = {LongforgeBinary()};
    argv.insert(argv.end(), help.begin(), help.end());
    const auto r = RunCommand(argv, 30s);
    EXPECT_EQ(r.exit_code, 0) << help.back() << r.err;
    EXPECT_TRUE(Contains(r.out, "Usage")) << r.out;
  }
  // export's help says what it writes for each trainer and what it refuses.
  const auto help = RunCommand({LongforgeBinary(), "export", "--help"}, 30s);
  EXPECT_EQ(help.exit_code, 0) << help.err;
  for (const char* says : {"dataset_info.json", "llamafactory_sft.yaml", "swift_sft.sh",
                           "--trainer", "--max-length", "rl-verl"}) {
    EXPECT_TRUE(Contains(help.out, says)) << says << " not in\n" << help.out;
  }
}

}  // namespace
}  // namespace longforge::testing
