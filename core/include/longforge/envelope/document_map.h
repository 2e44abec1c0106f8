#pragma once
// A document's map: one card per reading chunk (what the chunk says in brief and whom
// and what it names), written once by the mapper stage and stored beside the chunk
// table (claim check: lf.mapped carries only its key). Questions about the whole
// document are generated from it.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "longforge/common/error.h"

namespace longforge::envelope {

struct Card {
  uint32_t chunk = 0;
  std::string gist;                 // 2–3 sentences
  std::vector<std::string> people;  // names as the chunk writes them
  std::vector<std::string> places;
  std::vector<std::string> organisations;
  std::vector<std::string> dates;
  std::vector<std::string> events;  // one short clause each
  // The extractive baseline cannot tell a person from a place: its names go here.
  std::vector<std::string> names;

  bool operator==(const Card&) const = default;
};

struct DocumentMap {
  std::string doc_id;
  std::string chunks_ref;  // the chunk table the cards follow, one per chunk, in order
  std::string mapper;      // who wrote the cards: "llm <model>" or "extractive (no LLM)"
  std::vector<Card> cards;

  bool operator==(const DocumentMap&) const = default;
};

std::string Encode(const DocumentMap& map);
// A map whose cards are not numbered 0, 1, … in order is refused (kDeadLetter).
Result<DocumentMap> DecodeDocumentMap(std::string_view bytes);

}  // namespace longforge::envelope
