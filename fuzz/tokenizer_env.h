#pragma once
// The exact tokenizer the tokenizer and chunker targets use: the file named by
// LONGFORGE_FUZZ_TOKENIZER (a tokenizer.json or .tiktoken, e.g.
// ../shared/data/tokenizers/qwen3/tokenizer.json), loaded once. Tokenizer files are not
// in the repository; without the variable the targets say so once and check what they
// can without one.

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "fuzz/fuzz_check.h"
#include "longforge/text/bpe_tokenizer.h"

namespace longforge::fuzz {

// nullptr when LONGFORGE_FUZZ_TOKENIZER is unset or empty; aborts when it names a file
// that does not load (a wrong path must not look like a clean run).
inline const text::BpeTokenizer* FuzzTokenizer() {
  static const std::unique_ptr<text::BpeTokenizer> tokenizer = [] {
    const char* path = std::getenv("LONGFORGE_FUZZ_TOKENIZER");
    if (path == nullptr || *path == '\0') {
      std::fprintf(stderr,
                   "LONGFORGE_FUZZ_TOKENIZER is not set: skipping the exact-tokenizer checks "
                   "(set it to a tokenizer.json or .tiktoken file)\n");
      return std::unique_ptr<text::BpeTokenizer>();
    }
    auto loaded = text::BpeTokenizer::Load(path);
    if (!loaded.ok()) std::fprintf(stderr, "%s\n", loaded.error().message.c_str());
    FUZZ_CHECK(loaded.ok(), "LONGFORGE_FUZZ_TOKENIZER names a tokenizer that loads");
    std::fprintf(stderr, "fuzzing with %s\n", loaded.value()->Name().c_str());
    return std::move(loaded.value());
  }();
  return tokenizer.get();
}

}  // namespace longforge::fuzz
