#pragma once
// The relevance stage's grounding guard: of the quotes a model sent back, keep only those
// that really occur in the chunk, as the chunk's own bytes. Runs on every reply, so it
// is one pass over the chunk plus a linear search per quote. Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace longforge::workers {

struct GroundedQuotes {
  std::vector<std::string> kept;  // chunk substrings, in reply order, duplicates removed
  uint32_t dropped = 0;           // quotes found nowhere in the chunk
};

// Keeps the quotes that occur in `chunk`. Matching is case-sensitive on text whose
// whitespace runs (text::IsWhitespace: ASCII, NBSP, U+3000, line breaks, ...) became one
// space on both sides; failing that, with whitespace removed on both sides (hard-wrapped
// CJK text); failing that, after TrimQuotePunctuation of the quote. A kept quote is
// returned as the chunk's own bytes from the first to the last matched character, so
// downstream offsets work. Cost: one pass to fold the chunk, then a linear-time search
// per quote.
GroundedQuotes GroundQuotes(std::string_view chunk, const std::vector<std::string>& quotes);

// `quote` without the trailing punctuation (ASCII and CJK, closing quote marks and
// brackets) and leading or trailing ellipses that models add to what they quote, and
// without the whitespace that uncovers. Also how the reply parser reads "None." as NONE.
std::string_view TrimQuotePunctuation(std::string_view quote);

}  // namespace longforge::workers
