#include "workers/sink/trainer_export.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/temp_dir.h"

namespace longforge::workers {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

envelope::SampleRecord Sample(const std::string& id) {
  envelope::SampleRecord s;
  s.sample_id = id;
  s.record.task.task_id = "task-" + id;
  s.record.task.doc_id = "doc";
  s.record.task.question = "When was the bicycle invented?";
  s.record.task.reference = "1817";
  s.record.answer = "In 1817.";
  s.verdict.decision = envelope::Decision::kAccept;
  return s;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A dataset directory as the sink leaves it: `n` samples in `format`, and rejected.jsonl.
std::string WriteDataset(const TempDir& dir, SampleFormat format, int n = 2) {
  std::string text;
  for (int i = 0; i < n; ++i) {
    text += RenderAccepted(Sample("s" + std::to_string(i)), format, "The document.") + "\n";
  }
  std::ofstream(dir / "dataset.jsonl", std::ios::binary) << text;
  std::ofstream(dir / "rejected.jsonl") << "";
  return text;
}

ExportOptions Options(const TempDir& dir, Trainer trainer) {
  ExportOptions o;
  o.dir = dir.str();
  o.trainer = trainer;
  return o;
}

std::string Canonical(const TempDir& dir) { return fs::weakly_canonical(dir.path()).string(); }

TEST(TrainerExport, LlamaFactoryGetsADatasetInfoEntryForMessagesAndAYaml) {
  TempDir dir;
  const std::string data = WriteDataset(dir, SampleFormat::kMessages, 3);
  auto o = Options(dir, Trainer::kLlamaFactory);
  o.model = "meta-llama/Llama-3.1-8B-Instruct";
  o.chat_template = "llama3";
  o.max_length = 65536;
  const auto e = ExportForTrainer(o);
  ASSERT_TRUE(e.ok()) << e.error().message;
  const std::string abs = Canonical(dir);
  EXPECT_EQ(e->format, SampleFormat::kMessages);
  EXPECT_EQ(e->samples, 3u);
  EXPECT_EQ(e->dataset, abs + "/dataset.jsonl");
  EXPECT_EQ(e->written,
            (std::vector<std::string>{abs + "/dataset_info.json", abs + "/llamafactory_sft.yaml"}));
  EXPECT_EQ(json::parse(ReadAll(dir / "dataset_info.json")),
            json::parse(R"({"longforge": {"file_name": "dataset.jsonl", "formatting": "sharegpt",
              "columns": {"messages": "messages"},
              "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user",
                       "assistant_tag": "assistant", "system_tag": "system"}}})"));
  const std::string yaml = ReadAll(dir / "llamafactory_sft.yaml");
  for (const std::string& line : std::vector<std::string>{
           "model_name_or_path: \"meta-llama/Llama-3.1-8B-Instruct\"\n", "stage: sft\n",
           "do_train: true\n", "finetuning_type: lora\n", "dataset: \"longforge\"\n",
           "dataset_dir: \"" + abs + "\"\n", "template: \"llama3\"\n", "cutoff_len: 65536\n",
           "output_dir: \"" + abs + "/sft-llamafactory\"\n"}) {
    EXPECT_NE(yaml.find(line), std::string::npos) << line << " not in\n" << yaml;
  }
  EXPECT_EQ(e->command, "llamafactory-cli train " + abs + "/llamafactory_sft.yaml");
  EXPECT_EQ(ReadAll(dir / "dataset.jsonl"), data) << "the dataset itself is never rewritten";
}

TEST(TrainerExport, LlamaFactoryEntryFollowsTheFilesFields) {
  const json sharegpt = json::parse(R"({"file_name": "dataset.jsonl", "formatting": "sharegpt",
      "columns": {"messages": "conversations"},
      "tags": {"role_tag": "from", "content_tag": "value", "user_tag": "human",
               "assistant_tag": "gpt"}})");
  const json alpaca = json::parse(R"({"file_name": "dataset.jsonl", "formatting": "alpaca",
      "columns": {"prompt": "instruction", "query": "input", "response": "output"}})");
  for (const auto& [format, expected] :
       {std::pair{SampleFormat::kShareGpt, sharegpt}, std::pair{SampleFormat::kAlpaca, alpaca}}) {
    SCOPED_TRACE(SampleFormatName(format));
    TempDir dir;
    WriteDataset(dir, format);
    const auto e = ExportForTrainer(Options(dir, Trainer::kLlamaFactory));
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(json::parse(ReadAll(dir / "dataset_info.json"))["longforge"], expected);
    // Every column the entry names is a field of the lines.
    std::string first;
    std::getline(std::ifstream(dir / "dataset.jsonl") >> std::ws, first);
    const json line = json::parse(first);
    for (const auto& [key, column] : expected["columns"].items()) {
      EXPECT_TRUE(line.contains(column.get<std::string>())) << key << " -> " << column;
    }
  }
  // rl-swift lines are messages with a solution column beside them.
  TempDir dir;
  WriteDataset(dir, SampleFormat::kRlSwift);
  ASSERT_TRUE(ExportForTrainer(Options(dir, Trainer::kLlamaFactory)).ok());
  EXPECT_EQ(json::parse(ReadAll(dir / "dataset_info.json"))["longforge"]["columns"],
            (json{{"messages", "messages"}}));
}

TEST(TrainerExport, KeepsTheOtherEntriesOfADatasetInfoAndRefusesABrokenOne) {
  TempDir dir;
  WriteDataset(dir, SampleFormat::kAlpaca);
  std::ofstream(dir / "dataset_info.json") << R"({"mine": {"file_name": "mine.json"}})";
  auto o = Options(dir, Trainer::kLlamaFactory);
  o.dataset_name = "books";
  ASSERT_TRUE(ExportForTrainer(o).ok());
  const json info = json::parse(ReadAll(dir / "dataset_info.json"));
  EXPECT_EQ(info["mine"], (json{{"file_name", "mine.json"}}));
  EXPECT_EQ(info["books"]["formatting"], "alpaca");
  EXPECT_NE(ReadAll(dir / "llamafactory_sft.yaml").find("dataset: \"books\"\n"), std::string::npos);

  std::ofstream(dir / "dataset_info.json", std::ios::trunc) << "[1, 2]";
  const auto e = ExportForTrainer(o);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().disposition, Disposition::kStop);
  EXPECT_NE(e.error().message.find(Canonical(dir) + "/dataset_info.json: not a JSON object"),
            std::string::npos)
      << e.error().message;
  EXPECT_EQ(ReadAll(dir / "dataset_info.json"), "[1, 2]");
}

TEST(TrainerExport, SwiftGetsTheDatasetPathInAScript) {
  TempDir dir;
  const std::string sub = dir / "my out";  // a path that needs quoting
  fs::create_directory(sub);
  std::ofstream(sub + "/dataset.jsonl")
      << RenderAccepted(Sample("s1"), SampleFormat::kShareGpt, "ctx") << "\n";
  ExportOptions o;
  o.dir = sub;
  o.trainer = Trainer::kSwift;
  o.max_length = 4096;
  const auto e = ExportForTrainer(o);
  ASSERT_TRUE(e.ok()) << e.error().message;
  const std::string abs = fs::weakly_canonical(sub).string();
  EXPECT_EQ(e->command, "swift sft --model Qwen/Qwen2.5-7B-Instruct --train_type lora --dataset '" +
                            abs + "/dataset.jsonl' --max_length 4096 --output_dir '" + abs +
                            "/sft-swift'");
  EXPECT_EQ(e->written, (std::vector<std::string>{abs + "/swift_sft.sh"}));
  const std::string script = ReadAll(sub + "/swift_sft.sh");
  EXPECT_EQ(script.rfind("#!/bin/sh\n", 0), 0u) << script;
  EXPECT_NE(script.find("\nexec " + e->command + " \"$@\"\n"), std::string::npos) << script;
  EXPECT_NE(fs::status(sub + "/swift_sft.sh").permissions() & fs::perms::owner_exec,
            fs::perms::none);
  EXPECT_FALSE(fs::exists(sub + "/dataset_info.json")) << "swift needs no dataset_info.json";
}

// The error of exporting `dir` for `trainer`; "" when it succeeded.
std::string ErrorOf(const std::string& dir, Trainer trainer) {
  ExportOptions o;
  o.dir = dir;
  o.trainer = trainer;
  const auto e = ExportForTrainer(o);
  if (e.ok()) return "";
  EXPECT_EQ(e.error().disposition, Disposition::kStop);
  return e.error().message;
}

TEST(TrainerExport, BadInputsAreNamed) {
  TempDir dir;
  const std::string abs = Canonical(dir);
  for (const auto trainer : {Trainer::kLlamaFactory, Trainer::kSwift}) {
    SCOPED_TRACE(TrainerName(trainer));
    fs::remove(dir / "dataset.jsonl");
    EXPECT_EQ(ErrorOf(dir / "absent", trainer),
              dir / "absent" + ": no such directory (give the sink's --out)");
    EXPECT_EQ(ErrorOf(dir.str(), trainer),
              abs + ": no dataset.jsonl here (the sink writes it into its --out)");
    std::ofstream(dir / "dataset.jsonl", std::ios::trunc) << "";
    EXPECT_EQ(ErrorOf(dir.str(), trainer), abs + "/dataset.jsonl: no samples in it");

    const std::string messages = RenderAccepted(Sample("a"), SampleFormat::kMessages, "");
    std::ofstream(dir / "dataset.jsonl", std::ios::trunc)
        << messages << "\n"
        << RenderAccepted(Sample("b"), SampleFormat::kAlpaca, "") << "\n";
    EXPECT_EQ(ErrorOf(dir.str(), trainer),
              abs +
                  "/dataset.jsonl:2: a alpaca line after messages lines: a trainer reads one "
                  "format per file");
    std::ofstream(dir / "dataset.jsonl", std::ios::trunc) << messages << "\n\n{\"text\": \"x\"}\n";
    EXPECT_EQ(ErrorOf(dir.str(), trainer), abs + "/dataset.jsonl:3: not a longforge dataset line");

    WriteDataset(dir, SampleFormat::kRlVerl);
    EXPECT_EQ(ErrorOf(dir.str(), trainer),
              abs + "/dataset.jsonl: rl-verl lines, which " + TrainerName(trainer) +
                  " cannot fine-tune on (a prompt without an answer turn); write the dataset "
                  "with --format messages, sharegpt, alpaca or rl-swift");
  }
  EXPECT_FALSE(fs::exists(dir / "dataset_info.json")) << "nothing is written on an error";
  EXPECT_FALSE(fs::exists(dir / "llamafactory_sft.yaml"));
  EXPECT_FALSE(fs::exists(dir / "swift_sft.sh"));
}

}  // namespace
}  // namespace longforge::workers

namespace longforge::workers {
namespace {

// --length-buckets leaves no dataset.jsonl: the error names the bucket files, and
// --file picks one.
TEST(TrainerExport, ALengthBucketsFileIsPickedWithFile) {
  TempDir dir;
  WriteDataset(dir, SampleFormat::kMessages, 2);
  fs::rename(dir / "dataset.jsonl", dir / "dataset-32k.jsonl");
  auto o = Options(dir, Trainer::kLlamaFactory);
  const auto missing = ExportForTrainer(o);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no dataset.jsonl here"), std::string::npos);
  EXPECT_NE(missing.error().message.find("it has dataset-32k.jsonl: pick one with --file"),
            std::string::npos)
      << missing.error().message;
  o.file = "dataset-32k.jsonl";
  const auto e = ExportForTrainer(o);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->samples, 2u);
  EXPECT_EQ(json::parse(ReadAll(dir / "dataset_info.json"))["longforge"]["file_name"],
            "dataset-32k.jsonl");
  o.file = "../elsewhere.jsonl";
  ASSERT_FALSE(ExportForTrainer(o).ok());
}

}  // namespace
}  // namespace longforge::workers
