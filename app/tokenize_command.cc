// `longforge tokenize --tokenizer PATH [--ids] [FILE|-]`: exact token count of a file.

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>

#include "commands.h"
#include "longforge/text/bpe_tokenizer.h"

namespace longforge::app {
namespace {

struct TokenizeOptions {
  std::string tokenizer;    // tokenizer.json or *.tiktoken; required
  std::string input = "-";  // file to tokenise; "-" is standard input
  bool ids = false;         // also print the ids
};

bool ReadInput(const std::string& input, std::string* text, std::string* error) {
  if (input == "-") {
    text->assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  std::ifstream in(input, std::ios::binary);
  if (!in) {
    *error = input + ": " + std::strerror(errno);
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    *error = input + ": read failed";
    return false;
  }
  *text = buffer.str();
  return true;
}

void RunTokenize(const TokenizeOptions& o) {
  auto tokenizer = text::BpeTokenizer::Load(o.tokenizer);
  if (!tokenizer.ok()) {
    std::cerr << "longforge tokenize: " << tokenizer.error().message << "\n";
    throw CLI::RuntimeError(1);
  }
  std::string text;
  std::string error;
  if (!ReadInput(o.input, &text, &error)) {
    std::cerr << "longforge tokenize: cannot read " << error << "\n";
    throw CLI::RuntimeError(1);
  }
  if (!o.ids) {
    std::cout << (*tokenizer)->Count(text) << "\n";
    return;
  }
  const std::vector<text::TokenId> ids = (*tokenizer)->Encode(text);
  std::string line;
  line.reserve(ids.size() * 7);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) line += ' ';
    line += std::to_string(ids[i]);
  }
  std::cout << ids.size() << "\n" << line << "\n";
}

}  // namespace

void AddTokenizeCommand(CLI::App& app) {
  auto options = std::make_shared<TokenizeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "tokenize", "Print the exact token count of a file (first line) and, with --ids, its ids");
  cmd->add_option("--tokenizer", options->tokenizer,
                  "tokenizer.json (byte-level BPE) or *.tiktoken rank file")
      ->required();
  cmd->add_flag("--ids", options->ids, "Also print the token ids on one line, space separated");
  cmd->add_option("file", options->input, "Text file to tokenise; - or nothing for stdin");
  cmd->callback([options] { RunTokenize(*options); });
}

}  // namespace longforge::app
