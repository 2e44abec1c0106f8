#pragma once
// Exact token counts: a byte-level BPE tokenizer loaded from a Hugging Face
// tokenizer.json (Qwen2/2.5/3, Llama 3, GPT-style) or a tiktoken rank file (cl100k,
// o200k). Its ids match the model's own tokenizer, so token budgets are exact.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/text/token_counter.h"

namespace longforge::text {

using TokenId = std::uint32_t;

namespace bpe {
struct LoadedTokenizer;
class PieceSplitter;
}  // namespace bpe

// Text handling, in order:
//  1. invalid UTF-8 bytes are replaced by U+FFFD (maximal subparts, as TextDecoder);
//  2. non-special added tokens of a tokenizer.json (Qwen's <think>, <tool_call>, ...)
//     are cut out and become their own ids, as every HF tokenizer does;
//  3. special tokens (<|endoftext|>, <|im_start|>, ...) are NOT recognised: document
//     text is data, not control, so "<|im_end|>" in a book is tokenised as characters;
//  4. NFC when the tokenizer.json asks for it (ICU);
//  5. pre-tokenising with the model's own regex through PCRE2 (UTF + UCP + JIT), where
//     `\s` is Unicode White_Space as in tiktoken and HF tokenizers (Rust). JavaScript's
//     `\s` differs on two code points (it adds U+FEFF and lacks U+0085), so js-tiktoken
//     may split differently around those; nothing else differs;
//  6. byte-level BPE per piece: merges by rank, ties to the leftmost pair.
//
// Thread-safe: Count and Encode may run concurrently on one instance. Results of
// pieces are cached in a bounded, sharded cache shared by all threads.
class BpeTokenizer final : public TokenCounter {
 public:
  // Dispatches on the file: a name ending in ".tiktoken" is a rank file, anything
  // else must be a tokenizer.json. Errors name the file and what is wrong with it.
  static Result<std::unique_ptr<BpeTokenizer>> Load(const std::string& path);

  // A Hugging Face tokenizer.json with a BPE model over GPT-2's byte-level alphabet.
  static Result<std::unique_ptr<BpeTokenizer>> LoadHuggingFace(const std::string& path);

  // A tiktoken rank file: "<base64 token> <rank>" per line. The split regex and the
  // special tokens come from "<name>.meta.json" next to it ({"pat_str": ...,
  // "special_tokens": {...}}); without one, files named cl100k_base / o200k_base use the
  // published regex of that encoding, and any other file is an error.
  static Result<std::unique_ptr<BpeTokenizer>> LoadTiktoken(const std::string& path);

  ~BpeTokenizer() override;
  BpeTokenizer(const BpeTokenizer&) = delete;
  BpeTokenizer& operator=(const BpeTokenizer&) = delete;

  // Number of tokens of `text`; equals Encode(text).size() without building the ids.
  std::size_t Count(std::string_view text) const override;

  // Token ids of `text`, without BOS/EOS or any other template tokens.
  std::vector<TokenId> Encode(std::string_view text) const;

  // The bytes of `ids` concatenated: the inverse of Encode for the text it tokenised
  // (after steps 1, 4 and a prefix space, if any, above). An id of no token, such as a
  // special token, gives U+FFFD. Builds an id-to-bytes table on the first call (about
  // the size of the vocabulary), which only tests and tools need.
  std::string Decode(const std::vector<TokenId>& ids) const;

  // E.g. "qwen3 tokenizer.json (exact)" or "cl100k_base.tiktoken (exact)".
  std::string Name() const override;

  // One past the largest id, special tokens included.
  std::size_t VocabSize() const;

 private:
  class Impl;
  BpeTokenizer(bpe::LoadedTokenizer loaded, bpe::PieceSplitter splitter);

  std::unique_ptr<Impl> impl_;
};

}  // namespace longforge::text
