#pragma once
// Splits a document into chunks within a token budget: reading chunks (~1,000 tokens)
// for the relevance pass and retrieval chunks (~300 tokens) for BM25.

#include <cstddef>
#include <string_view>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/text/token_counter.h"

namespace longforge::text {

struct ChunkOptions {
  // Upper bound on counter.Count(chunk text), in tokens. Default 1000. At least 4, so
  // that any single code point fits (byte-level BPE spends at most one token per byte).
  std::size_t max_tokens = 1000;

  // Reports every problem at once; DeadLetter disposition (bad input, not transient).
  std::vector<std::string> Validate() const;
};

// A chunk of the input: byte offsets [begin, end) into it and its exact token count.
struct Chunk {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t tokens = 0;  // == counter.Count(text.substr(begin, end - begin))

  friend bool operator==(const Chunk&, const Chunk&) = default;
};

// Cuts `text` (UTF-8; invalid bytes are tolerated) into chunks of at most
// options.max_tokens tokens. Pieces are packed greedily in text order: whole paragraphs
// (blank-line separated) first; a paragraph that does not fit is split into sentences
// when more than a fifth of the budget would otherwise stay empty (so chunks are ~90%
// full and still mostly end at paragraph ends); a sentence longer than the budget is
// cut at its last whitespace that fits or, failing that, at a code-point boundary.
//
// Guarantees: chunks are non-empty, contiguous and in order, starting at 0 and ending
// at text.size(), so their texts concatenated give back `text` byte for byte (BOM,
// CRLF, surrounding whitespace included); every chunk's `tokens` equals
// counter.Count(its text) and is <= max_tokens; empty text gives no chunks. The one
// exception: if the counter gives a single code point more than max_tokens, that code
// point is a chunk of its own.
//
// Cost: one Count per paragraph (and per sentence of a split paragraph) plus a few per
// chunk (a logarithmic number per piece of an over-long sentence), i.e. about linear
// in the text for a linear counter; ICU runs only on paragraphs that are split.
// Thread-safe if `counter` is (TokenCounter promises it); ICU state is per call.
// Precondition: options.Validate().ok(); otherwise throws std::invalid_argument.
std::vector<Chunk> ChunkText(std::string_view text, const TokenCounter& counter,
                             const ChunkOptions& options);

}  // namespace longforge::text
