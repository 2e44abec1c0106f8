#pragma once
// Private parts of BpeTokenizer, shared by its source files: the merge model, the
// pre-tokenising regex, the file loaders and two small text helpers.

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/common/utf8.h"
#include "longforge/text/bpe_tokenizer.h"

namespace longforge::text::bpe {

// PCRE2 handles are released here only (STYLE habit 1; common/handles.h does not
// depend on PCRE2).
struct Pcre2Deleter {
  void operator()(pcre2_code* p) const { pcre2_code_free(p); }
  void operator()(pcre2_match_context* p) const { pcre2_match_context_free(p); }
  void operator()(pcre2_match_data* p) const { pcre2_match_data_free(p); }
  void operator()(pcre2_jit_stack* p) const { pcre2_jit_stack_free(p); }
};
using Pcre2Code = std::unique_ptr<pcre2_code, Pcre2Deleter>;
using Pcre2MatchContext = std::unique_ptr<pcre2_match_context, Pcre2Deleter>;
using Pcre2MatchData = std::unique_ptr<pcre2_match_data, Pcre2Deleter>;
using Pcre2JitStack = std::unique_ptr<pcre2_jit_stack, Pcre2Deleter>;

inline constexpr std::uint32_t kNoRank = 0xFFFFFFFFu;

// Open-addressing map from a pair of token ids to the merge it allows: its priority
// (lower merges first) and the id of the merged token. Built once, then read-only.
class PairTable {
 public:
  struct Merge {
    std::uint32_t rank = kNoRank;
    TokenId id = 0;
  };
  void Reserve(std::size_t pairs);
  // Keeps the first (lowest-ranked) entry when a pair is inserted twice.
  void Insert(TokenId left, TokenId right, Merge merge);
  Merge Find(TokenId left, TokenId right) const {
    const std::uint64_t key = Key(left, right);
    for (std::size_t i = Slot(key);; i = (i + 1) & mask_) {
      const Entry& e = slots_[i];
      if (e.key == key) return e.merge;
      if (e.key == kEmpty) return {};
    }
  }
  std::size_t size() const { return size_; }

 private:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
  struct Entry {
    std::uint64_t key = kEmpty;
    Merge merge;
  };
  static std::uint64_t Key(TokenId l, TokenId r) { return (std::uint64_t{l} << 32) | r; }
  std::size_t Slot(std::uint64_t key) const {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 20) & mask_;
  }
  void Grow();

  std::vector<Entry> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

// The BPE model over raw bytes: every token is a byte string; merging follows PairTable.
class BpeModel {
 public:
  // Registers token `bytes` as `id`. Returns false when the bytes are already taken.
  bool AddToken(std::string bytes, TokenId id);
  std::optional<TokenId> Find(std::string_view bytes) const;
  // Calls f(bytes, id) for every token, in no particular order.
  template <typename F>
  void ForEachToken(F&& f) const {
    for (const auto& [bytes, id] : tokens_) f(bytes, id);
  }
  // Requires every single byte to be a token; names the first missing one otherwise.
  Status IndexBytes();
  PairTable& pairs() { return pairs_; }
  // tiktoken semantics: two adjacent parts merge when their concatenation is a token,
  // with the concatenation's rank as priority. Expands that rule into the pair table.
  void PairsFromRanks();
  // Whole-piece lookup before merging (tiktoken always; HF when ignore_merges is set).
  void set_whole_piece_lookup(bool on) { whole_piece_lookup_ = on; }
  std::size_t size() const { return tokens_.size(); }

  // Appends the ids of one pre-token piece (non-empty) to `out`.
  void EncodePiece(std::string_view piece, std::vector<TokenId>& out) const;

 private:
  void MergeShort(std::string_view piece, std::vector<TokenId>& out) const;
  void MergeLong(std::string_view piece, std::vector<TokenId>& out) const;

  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>> tokens_;
  TokenId byte_ids_[256] = {};
  PairTable pairs_;
  bool whole_piece_lookup_ = false;
};

// Splits text into pre-token pieces with the model's own regex (PCRE2, UTF + UCP, JIT).
// `\s` and `\S` mean Unicode White_Space as in tiktoken (Rust regex) and HF tokenizers.
// Thread-safe; matching state lives in thread_local storage.
class PieceSplitter {
 public:
  // Errors carry PCRE2's message and the offset in the pattern.
  static Result<PieceSplitter> Compile(const std::string& pattern);
  // Calls f(piece) for each match and for each unmatched gap, in order. `text` must be
  // valid UTF-8.
  template <typename F>
  void ForEach(std::string_view text, F&& f) const {
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t start = 0, end = 0;
      if (!Next(text, pos, &start, &end)) break;
      if (start > pos) f(text.substr(pos, start - pos));
      f(text.substr(start, end - start));
      pos = end;
    }
    if (pos < text.size()) f(text.substr(pos));
  }

 private:
  // The next non-empty piece at or after `pos`; false when nothing more matches.
  bool Next(std::string_view text, std::size_t pos, std::size_t* start, std::size_t* end) const;

  Pcre2Code code_;
  Pcre2MatchContext context_;
  bool jit_ = false;
};

// `\s` → explicit White_Space class, so PCRE2 agrees with the Rust references.
std::string RewriteWhitespaceClasses(std::string_view pattern);

// What a loader found in a tokenizer file.
struct LoadedTokenizer {
  BpeModel model;
  std::string pattern;
  // Added tokens that are matched in text (HF's non-special added tokens). Special
  // tokens are never matched: document text is data.
  std::vector<std::pair<std::string, TokenId>> added_tokens;
  bool nfc = false;
  bool add_prefix_space = false;
  std::size_t vocab_size = 0;  // largest id + 1, specials included
  std::string name;
};

Result<LoadedTokenizer> LoadHuggingFaceFile(const std::string& path);
Result<LoadedTokenizer> LoadTiktokenFile(const std::string& path);

using longforge::Base64Decode;        // common/utf8.h
using longforge::ReplaceInvalidUtf8;  // common/utf8.h
// GPT-2's byte-level alphabet: the UTF-8 of the code point standing for each byte.
const std::array<std::string, 256>& ByteLevelAlphabet();

}  // namespace longforge::text::bpe
