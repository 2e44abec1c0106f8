#include "longforge/envelope/chunk_table.h"

#include <nlohmann/json.hpp>

namespace longforge::envelope {

using nlohmann::json;

std::string ChunkTable::ChapterOf(std::size_t index) const {
  if (index >= chunk_headings.size() || chunk_headings[index] < 0) return {};
  return text::ChapterAt(outline, outline[static_cast<std::size_t>(chunk_headings[index])].begin);
}

std::string Encode(const ChunkTable& table) {
  json chunks = json::array();
  for (std::size_t i = 0; i < table.chunks.size(); ++i) {
    const auto& c = table.chunks[i];
    chunks.push_back(
        {c.begin, c.end, c.tokens, i < table.chunk_headings.size() ? table.chunk_headings[i] : -1});
  }
  json outline = json::array();
  for (const auto& h : table.outline) outline.push_back({h.begin, h.end, h.level, h.title});
  return json{{"doc_id", table.doc_id},
              {"tokenizer", table.tokenizer},
              {"max_tokens", table.max_tokens},
              {"chunks", std::move(chunks)},
              {"outline", std::move(outline)}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<ChunkTable> DecodeChunkTable(std::string_view bytes) {
  const json j = json::parse(bytes, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error::DeadLetter("chunk table: not JSON");
  try {
    ChunkTable t;
    j.at("doc_id").get_to(t.doc_id);
    j.at("tokenizer").get_to(t.tokenizer);
    j.at("max_tokens").get_to(t.max_tokens);
    uint32_t index = 0;
    for (const auto& c : j.at("chunks")) {
      t.chunks.push_back(
          {index++, c.at(0).get<uint64_t>(), c.at(1).get<uint64_t>(), c.at(2).get<uint32_t>()});
      t.chunk_headings.push_back(c.size() > 3 ? c.at(3).get<int32_t>() : -1);
    }
    if (const auto it = j.find("outline"); it != j.end()) {
      for (const auto& h : *it) {
        t.outline.push_back({h.at(0).get<std::size_t>(), h.at(1).get<std::size_t>(),
                             h.at(2).get<int>(), h.at(3).get<std::string>()});
      }
    }
    for (const int32_t h : t.chunk_headings) {
      if (h < -1 || h >= static_cast<int32_t>(t.outline.size())) {
        return Error::DeadLetter("chunk table: heading " + std::to_string(h) + " of " +
                                 std::to_string(t.outline.size()));
      }
    }
    return t;
  } catch (const json::exception& e) {
    return Error::DeadLetter(std::string("chunk table: ") + e.what());
  }
}

}  // namespace longforge::envelope
