#pragma once
// --decontaminate: the benchmark questions a trained model will be evaluated on, indexed
// once at start, so that no question too close to one of them becomes training data.
//
// Text is normalised as for de-duplication (NormalizeQuestion: case, width, punctuation
// and spacing folded; every CJK character a token of its own), so a token is a word in
// English and a character in Chinese. A question is contaminated by a benchmark item when
//  - "ngram": they share a 13-token sequence (word 13-grams, character 13-grams for CJK);
//  - "whole": a question or item shorter than 13 tokens has no 13-gram, so it is compared
//    whole: the question's normalised text equals the item's, or an item of 6 to 12
//    tokens appears in the question as a run of its own length (shorter items, such as
//    "why?", would match half the questions asked);
//  - "minhash": its MinHash signature (NearDuplicateFilter) is at least the near-duplicate
//    threshold similar to the item's and both mention the same numbers. This is what
//    catches a short question that is a reworded or cut-down benchmark item. Candidates
//    are found by locality-sensitive hashing over bands of the signature.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "longforge/common/error.h"

namespace longforge::workers {

// Tokens in the longest sequence a question and an item must share.
inline constexpr std::size_t kContaminationNgram = 13;
// Shortest item found inside a longer question as a run of its own length.
inline constexpr std::size_t kMinContainedTokens = 6;

struct BenchmarkMatch {
  std::string source;  // "file:line" of the benchmark item
  std::string item;    // the item's text as in the file
  std::string method;  // "ngram", "whole" or "minhash"
};

// Immutable once loaded; Match is thread-safe.
class BenchmarkIndex {
 public:
  // Reads every file: per line, JSONL when the line starts with '{' (then it must be a
  // JSON object with a string `question`), else the line itself; empty lines skipped.
  // A file that cannot be read, or a bad line, is a kStop error naming file and line.
  // `threshold`: MinHash similarity at which a question is a near-duplicate, in (0, 1].
  static Result<BenchmarkIndex> Load(const std::vector<std::string>& files, double threshold);

  // Adds one item (what Load does per line); `source` names it ("file:line").
  void Add(std::string source, std::string item);
  // Sorts the indexes; call after the last Add and before Match.
  void Seal();

  // The first benchmark item `question` is contaminated by, if any.
  std::optional<BenchmarkMatch> Match(std::string_view question) const;

  std::size_t size() const { return items_.size(); }
  explicit BenchmarkIndex(double threshold);

 private:
  struct Item {
    std::string source;
    std::string text;
    std::vector<std::string> numbers;  // words holding a digit, sorted
  };
  // Sorted (key, item) pairs: equal keys are adjacent.
  using Postings = std::vector<std::pair<uint64_t, uint32_t>>;
  static std::optional<uint32_t> Find(const Postings& postings, uint64_t key);
  uint64_t BandKey(std::size_t band, const uint64_t* rows) const;

  double threshold_;
  std::size_t rows_;  // signature rows per LSH band, chosen from the threshold
  std::vector<Item> items_;
  Postings ngrams_;                  // hashes of every item's 13-grams
  Postings wholes_;                  // hashes of items shorter than 13 tokens, whole
  Postings bands_;                   // LSH band keys of every item's MinHash signature
  std::vector<bool> whole_lengths_;  // [n]: some item has exactly n (< 13) tokens
};

}  // namespace longforge::workers
