#pragma once
// A document's reading chunks, stored beside its text (claim check): the
// lf.chunked message carries only the key of this table.

#include <string>
#include <string_view>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/envelope/messages.h"
#include "longforge/text/outline.h"

namespace longforge::envelope {

struct ChunkTable {
  std::string doc_id;
  std::string tokenizer;
  uint32_t max_tokens = 0;
  std::vector<ChunkRef> chunks;
  // The document's headings (text::DetectOutline) and, for each chunk, the index of the
  // heading in force at its middle (-1 before the first heading).
  std::vector<text::Heading> outline = {};
  std::vector<int32_t> chunk_headings = {};

  // The chapter of chunk `index` as text::ChapterAt gives it ("" when none or unknown).
  std::string ChapterOf(std::size_t index) const;
};

// Compact JSON: chunks as [begin, end, tokens, heading] (tables written before the
// outline have triples), headings as [begin, end, level, title].
std::string Encode(const ChunkTable& table);
Result<ChunkTable> DecodeChunkTable(std::string_view bytes);

}  // namespace longforge::envelope
