#pragma once
// Drops duplicate and near-duplicate questions of one document: text normalised (case,
// width, punctuation, spacing), then MinHash over shingles — words and word pairs, with each
// CJK character counted as a word, so Chinese is shingled by character. Questions that
// mention different numbers ("Harbor 12" / "Harbor 17") are never near-duplicates: a
// template filled with other facts asks another question.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace longforge::workers {

// Case- and width-folded (text::FoldCase, text::FoldWidth), punctuation and spaces to
// one space, words and CJK characters separated by one space.
// "Who was  Ahab?" -> "who was ahab"; "ÉCOLE　１８１７？" -> "école 1817".
std::string NormalizeQuestion(std::string_view question);

// The tokens of a normalised question (words and CJK characters), viewing into it.
std::vector<std::string_view> QuestionTokens(std::string_view normalized);
// The tokens of `question` holding a digit, sorted: questions that differ in them ask
// about other facts.
std::vector<std::string> QuestionNumbers(std::string_view question);
// FNV-1a of a token, and a 64-bit finaliser (splitmix64) to derive hash functions.
uint64_t TokenHash(std::string_view token);
uint64_t MixHash(uint64_t z);

// Not thread-safe; one per document.
class NearDuplicateFilter {
 public:
  static constexpr std::size_t kHashes = 128;
  using Signature = std::array<uint64_t, kHashes>;

  // `threshold`: estimated Jaccard similarity of shingle sets at or above which a
  // question counts as a near-duplicate of one kept before; default 0.7.
  explicit NearDuplicateFilter(double threshold = 0.7) : threshold_(threshold) {}

  // True, and remembers it, when `question` is neither a duplicate nor a near-duplicate
  // of a question admitted before.
  bool Admit(std::string_view question);

  static Signature SignatureOf(std::string_view question);
  static double Similarity(const Signature& a, const Signature& b);

 private:
  struct Kept {
    Signature signature;
    std::vector<std::string> numbers;  // words holding a digit, sorted
  };
  double threshold_;
  std::vector<Kept> kept_;
};

}  // namespace longforge::workers
