#include "longforge/envelope/chunk_table.h"

#include <nlohmann/json.hpp>

namespace longforge::envelope {

using nlohmann::json;

std::string Encode(const ChunkTable& table) {
  json chunks = json::array();
  for (const auto& c : table.chunks) chunks.push_back({c.begin, c.end, c.tokens});
  return json{{"doc_id", table.doc_id},
              {"tokenizer", table.tokenizer},
              {"max_tokens", table.max_tokens},
              {"chunks", std::move(chunks)}}
      .dump();
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
    }
    return t;
  } catch (const json::exception& e) {
    return Error::DeadLetter(std::string("chunk table: ") + e.what());
  }
}

}  // namespace longforge::envelope
