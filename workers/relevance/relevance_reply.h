#pragma once
// Reading a model's relevance reply into one part per question. Its quotes are then
// checked against the chunk by GroundQuotes (quote_grounding.h). Pure functions, no
// I/O; thread-safe.

#include <cstddef>
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

}  // namespace longforge::workers
