#include "workers/sink/trainer_export.h"

#include "workers/sink/dataset_stats.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

namespace longforge::workers {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// `word` as one shell word: as it is when it holds only safe characters, else in single
// quotes.
std::string ShellQuote(const std::string& word) {
  const bool safe = !word.empty() && word.find_first_not_of(
                                         "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                         "0123456789_./:=@%+-") == std::string::npos;
  if (safe) return word;
  std::string out = "'";
  for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A YAML scalar for any string: a JSON string is a YAML double-quoted scalar.
std::string YamlString(const std::string& text) { return json(text).dump(); }

// Writes `text` to `path` through a temporary file renamed over it, so a reader never
// sees half a file.
Status WriteFile(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return Error::Stop(tmp + ": cannot write: " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return Error::Stop(path + ": cannot replace: " + why);
  }
  return {};
}

// Reads every line of `path` for its format, count and longest line.
Status ScanDataset(const std::string& path, TrainerExport& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Stop(path + ": cannot open: " + std::strerror(errno));
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    const auto at = path + ":" + std::to_string(number) + ": ";
    const json j = json::parse(line, nullptr, false);
    const auto format = j.is_discarded() ? std::nullopt : DetectSampleFormat(j);
    if (!format) return Error::Stop(at + "not a longforge dataset line");
    if (out.samples > 0 && *format != out.format) {
      return Error::Stop(at + "a " + SampleFormatName(*format) + " line after " +
                         SampleFormatName(out.format) +
                         " lines: a trainer reads one format per file");
    }
    out.format = *format;
    ++out.samples;
    out.longest = std::max(out.longest, line.size());
  }
  if (in.bad()) return Error::Stop(path + ": read failed: " + std::strerror(errno));
  if (out.samples == 0) return Error::Stop(path + ": no samples in it");
  return {};
}

// The dataset_info.json entry that describes `format` to LLaMA-Factory (its
// data/README.md): alpaca columns, or sharegpt with the message keys and role names.
json LlamaFactoryEntry(SampleFormat format, const std::string& file) {
  json entry = {{"file_name", file}};
  switch (format) {
    case SampleFormat::kAlpaca:
      entry["formatting"] = "alpaca";
      entry["columns"] = {{"prompt", "instruction"}, {"query", "input"}, {"response", "output"}};
      break;
    case SampleFormat::kShareGpt:
      entry["formatting"] = "sharegpt";
      entry["columns"] = {{"messages", "conversations"}};
      entry["tags"] = {{"role_tag", "from"},
                       {"content_tag", "value"},
                       {"user_tag", "human"},
                       {"assistant_tag", "gpt"}};
      break;
    case SampleFormat::kMessages:
    case SampleFormat::kRlSwift:
    case SampleFormat::kRlVerl:
      entry["formatting"] = "sharegpt";
      entry["columns"] = {{"messages", "messages"}};
      entry["tags"] = {{"role_tag", "role"},
                       {"content_tag", "content"},
                       {"user_tag", "user"},
                       {"assistant_tag", "assistant"},
                       {"system_tag", "system"}};
      break;
  }
  return entry;
}

Status ExportLlamaFactory(const ExportOptions& o, const std::string& dir, TrainerExport& out) {
  const std::string info_path = dir + "/dataset_info.json";
  json info = json::object();
  if (fs::exists(info_path)) {
    std::ifstream in(info_path);
    info = json::parse(in, nullptr, false);
    if (info.is_discarded() || !info.is_object()) {
      return Error::Stop(info_path +
                         ": not a JSON object; move it away or fix it (it is kept otherwise)");
    }
  }
  info[o.dataset_name] = LlamaFactoryEntry(out.format, o.file);
  if (auto s = WriteFile(info_path, info.dump(2) + "\n"); !s) return s.error();
  out.written.push_back(info_path);

  const std::string yaml_path = dir + "/llamafactory_sft.yaml";
  std::ostringstream yaml;
  yaml << "# Written by `longforge export --trainer llamafactory`: LoRA SFT on " << out.dataset
       << " (" << SampleFormatName(out.format) << ", " << out.samples << " samples).\n"
       << "# Samples longer than cutoff_len tokens are cut; the longest line is " << out.longest
       << " bytes.\n"
       << "model_name_or_path: " << YamlString(o.model) << "\n"
       << "stage: sft\n"
       << "do_train: true\n"
       << "finetuning_type: lora\n"
       << "lora_target: all\n"
       << "dataset: " << YamlString(o.dataset_name) << "\n"
       << "dataset_dir: " << YamlString(dir) << "\n"
       << "template: " << YamlString(o.chat_template) << "\n"
       << "cutoff_len: " << o.max_length << "\n"
       << "output_dir: " << YamlString(dir + "/sft-llamafactory") << "\n"
       << "per_device_train_batch_size: 1\n"
       << "gradient_accumulation_steps: 8\n"
       << "learning_rate: 1.0e-4\n"
       << "num_train_epochs: 1.0\n"
       << "bf16: true\n";
  if (auto s = WriteFile(yaml_path, yaml.str()); !s) return s.error();
  out.written.push_back(yaml_path);
  out.command = "llamafactory-cli train " + ShellQuote(yaml_path);
  return {};
}

Status ExportSwift(const ExportOptions& o, const std::string& dir, TrainerExport& out) {
  // ms-swift's AutoPreprocessor takes messages, sharegpt conversations (from/value,
  // human/gpt) and alpaca columns by their names, so no --columns mapping is needed; the
  // meta (and rl-swift's solution) columns are extra and left for reward functions.
  out.command = "swift sft --model " + ShellQuote(o.model) + " --train_type lora --dataset " +
                ShellQuote(out.dataset) + " --max_length " + std::to_string(o.max_length) +
                " --output_dir " + ShellQuote(dir + "/sft-swift");
  const std::string script = dir + "/swift_sft.sh";
  const std::string text =
      "#!/bin/sh\n# Written by `longforge export --trainer swift`: LoRA SFT on " + out.dataset +
      " (" + SampleFormatName(out.format) + ", " + std::to_string(out.samples) +
      " samples). Extra flags pass through.\n" + "exec " + out.command + " \"$@\"\n";
  if (auto s = WriteFile(script, text); !s) return s.error();
  std::error_code ec;
  fs::permissions(script, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add, ec);
  if (ec) return Error::Stop(script + ": cannot make it executable: " + ec.message());
  out.written.push_back(script);
  return {};
}

}  // namespace

const char* TrainerName(Trainer trainer) {
  switch (trainer) {
    case Trainer::kLlamaFactory:
      return "llamafactory";
    case Trainer::kSwift:
      return "swift";
  }
  return "llamafactory";
}

Result<TrainerExport> ExportForTrainer(const ExportOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(options.dir, ec)) {
    return Error::Stop(options.dir + ": no such directory (give the sink's --out)");
  }
  const std::string dir = fs::weakly_canonical(fs::absolute(options.dir), ec).string();
  if (ec) return Error::Stop(options.dir + ": " + ec.message());
  TrainerExport out;
  if (options.file.empty() || options.file.find('/') != std::string::npos) {
    return Error::Stop("--file " + options.file + ": give a file name in " + dir);
  }
  out.dataset = dir + "/" + options.file;
  if (!fs::is_regular_file(out.dataset, ec)) {
    std::string others;
    for (const auto& name : DatasetFiles(dir)) others += (others.empty() ? "" : ", ") + name;
    return Error::Stop(dir + ": no " + options.file + " here (the sink writes it into its --out)" +
                       (others.empty() ? "" : "; it has " + others + ": pick one with --file"));
  }
  if (auto s = ScanDataset(out.dataset, out); !s) return s.error();
  if (out.format == SampleFormat::kRlVerl) {
    // Its rows hold a prompt without the answer turn SFT trains on.
    return Error::Stop(out.dataset + ": rl-verl lines, which " + TrainerName(options.trainer) +
                       " cannot fine-tune on (a prompt without an answer turn); write the "
                       "dataset with --format messages, sharegpt, alpaca or rl-swift");
  }
  switch (options.trainer) {
    case Trainer::kLlamaFactory:
      if (auto s = ExportLlamaFactory(options, dir, out); !s) return s.error();
      break;
    case Trainer::kSwift:
      if (auto s = ExportSwift(options, dir, out); !s) return s.error();
      break;
  }
  return out;
}

}  // namespace longforge::workers
