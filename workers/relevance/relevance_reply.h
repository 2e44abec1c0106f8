#pragma once
// Reading a model's relevance reply, and the grounding guard that keeps only quotes
// that really occur in the chunk. Pure functions, no I/O; thread-safe.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace longforge::workers {

// What the reply said about one question.
enum class ReplyKind {
  kQuotes,     // one or more lines to check against the chunk
  kNone,       // the model said NONE (or a variant: "None.", "无", an empty JSON list)
  kMalformed,  // the block is missing, empty, or cannot be read
};

struct ReplyPart {
  ReplyKind kind = ReplyKind::kMalformed;
  std::vector<std::string> quotes;  // kQuotes only: candidate quotes, cleaned, unverified
};

// Splits `reply` into one part per question, in order (the result always has
// `questions` elements). The contract asked of the model is plain text: for one
// question NONE or the quoted sentences one per line; for K > 1 questions a `[i]` header
// line per question, each followed by NONE or quotes. Tolerated: code fences, bullets
// (- * • · 1. 1) 1、), surrounding quotes (" “” 「」 『』 ' ‘’), JSON-ish lists and
// {"quotes": [...]} objects (also when truncated), NONE variants in English and
// Chinese, chatter lines ending in a colon and labels like "Relevant sentences:", headers
// written as [i], 【i】, ［i］, **[i]**, [Question i]. Lines before the first header are
// ignored when K > 1; a question without a header, or with nothing after it, is
// kMalformed. With K = 1 a missing header is fine.
std::vector<ReplyPart> ParseRelevanceReply(std::string_view reply, std::size_t questions);

struct GroundedQuotes {
  std::vector<std::string> kept;  // chunk substrings, in reply order, duplicates removed
  uint32_t dropped = 0;           // quotes found nowhere in the chunk
};

// Keeps the quotes that occur in `chunk`. Matching is case-sensitive on text whose
// whitespace runs (ASCII, NBSP, U+3000, line breaks) became one space on both sides;
// failing that, with whitespace removed on both sides (hard-wrapped CJK text); failing
// that, after trimming trailing punctuation and ellipses off the quote. A kept quote is
// returned as the chunk's own bytes from the first to the last matched character, so
// downstream offsets work. Cost: one pass to normalise the chunk, then a linear-time
// search per quote.
GroundedQuotes GroundQuotes(std::string_view chunk, const std::vector<std::string>& quotes);

}  // namespace longforge::workers
