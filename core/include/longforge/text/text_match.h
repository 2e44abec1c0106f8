#pragma once
// Text comparisons (the filter's answer checks, the relevance stage's quote alignment): normalised
// exact match, token F1 and ROUGE-L recall. Tokens are case-folded words with punctuation and
// symbols dropped; Chinese and Japanese characters (Han, kana) are one token each, so the scores
// work on text without spaces. All functions are pure and thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace longforge::text {

// Case-folded match tokens of UTF-8 `text` in text order (invalid bytes are skipped).
std::vector<std::string> MatchTokens(std::string_view text);

// The same tokens with the bytes [begin, end) of `text` each was read from.
struct MatchToken {
  std::string text;
  std::size_t begin = 0;
  std::size_t end = 0;
};
std::vector<MatchToken> MatchTokenSpans(std::string_view text);

// SQuAD-style normal form: match tokens without the English articles "a", "an" and
// "the", joined by single spaces. Two answers match exactly when these are equal.
std::string NormalizeAnswer(std::string_view text);

// Whether the reference's normal form occurs in the answer's as a whole run of tokens
// ("cover exact match"): a sentence that states the reference answers it. An empty
// reference is never contained.
bool ContainsReference(std::string_view answer, std::string_view reference);
// Token F1 of `answer` against `reference` over the normal form's tokens, in [0, 1].
// Two empty token lists score 1; one empty list scores 0.
double TokenF1(std::string_view answer, std::string_view reference);

// Length of the longest common subsequence of `answer` in `text` divided by the
// answer's token count, in [0, 1]; 1 for an answer without tokens. O(|a|·|t|) time,
// O(|t|) memory.
double RougeLRecall(const std::vector<std::string>& answer, const std::vector<std::string>& text);

// Number of letter code points (any script) in `text`.
std::size_t CountLetters(std::string_view text);

}  // namespace longforge::text
