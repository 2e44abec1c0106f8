#pragma once
// A document's reading chunks, stored beside its text (claim check): the
// lf.chunked message carries only the key of this table.

#include <string>
#include <string_view>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/envelope/messages.h"

namespace longforge::envelope {

struct ChunkTable {
  std::string doc_id;
  std::string tokenizer;
  uint32_t max_tokens = 0;
  std::vector<ChunkRef> chunks;
};

// Compact JSON: chunks as [begin, end, tokens] triples.
std::string Encode(const ChunkTable& table);
Result<ChunkTable> DecodeChunkTable(std::string_view bytes);

}  // namespace longforge::envelope
