#pragma once
// What a trainer needs to load a dataset directory the sink wrote (`longforge export`).
// LLaMA-Factory finds a dataset through an entry of `dataset_info.json` in its
// `dataset_dir` (file name, formatting alpaca or sharegpt, the columns and, for
// sharegpt, the role and content keys) and starts from a YAML config; ms-swift reads a
// JSONL file of messages, sharegpt conversations or alpaca columns as it is
// (`swift sft --dataset PATH`). Only files in DIR are written, never dataset.jsonl.

#include <cstdint>
#include <string>
#include <vector>

#include "longforge/common/error.h"
#include "workers/sink/sample_format.h"

namespace longforge::workers {

enum class Trainer { kLlamaFactory, kSwift };

// "llamafactory" | "swift".
const char* TrainerName(Trainer trainer);

struct ExportOptions {
  std::string dir;                                 // DIR: the sink's --out; required
  Trainer trainer = Trainer::kLlamaFactory;        // --trainer llamafactory|swift
  std::string model = "Qwen/Qwen2.5-7B-Instruct";  // --model: id or path to fine-tune
  std::string chat_template = "qwen";              // --template: LLaMA-Factory's chat template
  uint32_t max_length = 32768;  // --max-length: tokens per sample (cutoff_len / max_length)
  std::string dataset_name = "longforge";  // the dataset_info.json entry LLaMA-Factory loads
  std::string file = "dataset.jsonl";      // --file: the dataset file in DIR (a length bucket's)
};

struct TrainerExport {
  std::string dataset;               // absolute path of dataset.jsonl
  SampleFormat format{};             // the format of its lines
  std::size_t samples = 0;           // its lines
  std::size_t longest = 0;           // its longest line, in bytes
  std::vector<std::string> written;  // absolute paths of the files written
  std::string command;               // a shell command that starts a LoRA SFT run
};

// Reads DIR/dataset.jsonl (every line, to learn its one format) and writes what
// `options.trainer` needs beside it: for LLaMA-Factory DIR/dataset_info.json (the entry
// `dataset_name` added to any entries already there) and DIR/llamafactory_sft.yaml; for
// ms-swift DIR/swift_sft.sh. Error (kStop) names the directory or file: DIR missing, no
// dataset.jsonl or no sample in it, a line that is not a sink record or whose format
// differs from the first's, a format the trainer cannot train on (rl-verl has no answer
// turn), a dataset_info.json that is not a JSON object, a file that cannot be written.
Result<TrainerExport> ExportForTrainer(const ExportOptions& options);

}  // namespace longforge::workers
