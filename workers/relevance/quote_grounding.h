#pragma once
// The relevance stage's grounding guard: of the quotes a model sent back, keep only those
// that really occur in the chunk, as the chunk's own bytes. Runs on every reply, so it
// is one pass over the chunk plus a linear search per quote. Pure functions; thread-safe.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace longforge::workers {

struct GroundedQuotes {
  // Chunk substrings: the verbatim matches in reply order, then the aligned ones;
  // duplicates (an aligned span inside a kept one, or around it) removed.
  std::vector<std::string> kept;
  uint32_t dropped = 0;   // quotes found nowhere in the chunk
  uint32_t repaired = 0;  // kept quotes that matched only by alignment
};

// A quote that matches nowhere verbatim is aligned: the span of the chunk holding the
// most of its match tokens (text::MatchTokens: case and width folded, punctuation
// dropped, Chinese by character) in order, starting at one of them, at most a quarter
// longer than the quote (at least 3 tokens more). At least this share of the quote's
// tokens must be found, every number it states must be in the span, and the quote must
// have kMinAlignedTokens, or it is invented.
inline constexpr double kMinAlignment = 0.75;
inline constexpr std::size_t kMinAlignedTokens = 4;
// Longer quotes are not aligned (a model that quotes 300 words quotes a passage, not a
// sentence), and one alignment computes at most this many LCS cells (about 2 ms), then
// keeps the best span found so far.
inline constexpr std::size_t kMaxAlignedTokens = 300;
inline constexpr std::size_t kMaxAlignmentWork = std::size_t{4} << 20;

// Keeps the quotes that occur in `chunk`. Matching is case-sensitive on text whose
// whitespace runs (text::IsWhitespace: ASCII, NBSP, U+3000, line breaks, ...) became one
// space on both sides; failing that, with whitespace removed on both sides (hard-wrapped
// CJK text); failing that, after TrimQuotePunctuation of the quote; failing that, by
// alignment (above: words dropped, punctuation, case or width changed). A kept quote is
// returned as the chunk's own bytes from the first to the last matched character, so
// downstream offsets work. Cost: one pass to fold the chunk, then a linear-time search
// per quote; an aligned quote costs one small LCS per place its first tokens occur.
GroundedQuotes GroundQuotes(std::string_view chunk, const std::vector<std::string>& quotes);

// `quote` without the trailing punctuation (ASCII and CJK, closing quote marks and
// brackets) and leading or trailing ellipses that models add to what they quote, and
// without the whitespace that uncovers. Also how the reply parser reads "None." as NONE.
std::string_view TrimQuotePunctuation(std::string_view quote);

}  // namespace longforge::workers
