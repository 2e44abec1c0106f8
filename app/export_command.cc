// `longforge export DIR --trainer llamafactory|swift`: what a trainer needs to load a
// dataset directory, and the command that starts a fine-tuning run on it.

#include <iostream>
#include <memory>

#include "commands.h"
#include "workers/sink/sink_stage.h"

namespace longforge::app {

void AddExportCommand(CLI::App& app) {
  auto options = std::make_shared<workers::ExportOptions>();
  auto* cmd = app.add_subcommand(
      "export",
      "Make a dataset directory written by the sink loadable by a trainer, and print the "
      "command that starts a LoRA SFT run on it. llamafactory: adds an entry to "
      "DIR/dataset_info.json (file name, alpaca or sharegpt formatting, the columns and role "
      "keys of the file's format) and writes DIR/llamafactory_sft.yaml; swift: writes "
      "DIR/swift_sft.sh (`swift sft --dataset DIR/dataset.jsonl`, which ms-swift reads as it "
      "is). dataset.jsonl itself is only read; rl-verl files cannot be fine-tuned on (no "
      "answer turn).");
  cmd->add_option("dir", options->dir, "Directory holding the sink's dataset.jsonl")->required();
  cmd->add_option_function<std::string>(
         "--trainer",
         [options](const std::string& v) {
           options->trainer =
               v == "swift" ? workers::Trainer::kSwift : workers::Trainer::kLlamaFactory;
         },
         "llamafactory (LLaMA-Factory) or swift (ms-swift)")
      ->required()
      ->check(CLI::IsMember({"llamafactory", "swift"}));
  cmd->add_option("--model", options->model, "Model id or path the command fine-tunes")
      ->capture_default_str();
  cmd->add_option("--template", options->chat_template,
                  "LLaMA-Factory chat template of the model (llamafactory only)")
      ->capture_default_str();
  cmd->add_option("--max-length", options->max_length,
                  "Tokens per sample; longer samples are cut (cutoff_len, --max_length)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1u << 24));
  cmd->add_option("--file", options->file,
                  "The dataset file in DIR: a length bucket's (dataset-32k.jsonl) with "
                  "--length-buckets")
      ->capture_default_str();
  cmd->add_option("--name", options->dataset_name,
                  "Name of the dataset_info.json entry (llamafactory only)")
      ->capture_default_str();
  cmd->callback([options] {
    const auto done = workers::ExportForTrainer(*options);
    if (!done) {
      std::cerr << "longforge export: " << done.error().message << "\n";
      throw CLI::RuntimeError(1);
    }
    std::cout << "dataset: " << done->dataset << " (" << workers::SampleFormatName(done->format)
              << ", " << done->samples << " samples; longest line " << done->longest << " bytes)\n";
    for (const auto& file : done->written) std::cout << "wrote:   " << file << "\n";
    std::cout << "start SFT with:\n  " << done->command << "\n";
  });
}

}  // namespace longforge::app
