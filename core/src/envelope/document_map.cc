#include "longforge/envelope/document_map.h"

#include <nlohmann/json.hpp>

namespace longforge::envelope {

using nlohmann::json;

namespace {

void PutList(json& j, const char* key, const std::vector<std::string>& list) {
  if (!list.empty()) j[key] = list;
}

void GetList(const json& j, const char* key, std::vector<std::string>& list) {
  if (const auto it = j.find(key); it != j.end()) it->get_to(list);
}

}  // namespace

std::string Encode(const DocumentMap& map) {
  json cards = json::array();
  for (const auto& c : map.cards) {
    json card = {{"chunk", c.chunk}, {"gist", c.gist}};
    PutList(card, "people", c.people);
    PutList(card, "places", c.places);
    PutList(card, "organisations", c.organisations);
    PutList(card, "dates", c.dates);
    PutList(card, "events", c.events);
    PutList(card, "names", c.names);
    cards.push_back(std::move(card));
  }
  return json{{"doc_id", map.doc_id},
              {"chunks_ref", map.chunks_ref},
              {"mapper", map.mapper},
              {"cards", std::move(cards)}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<DocumentMap> DecodeDocumentMap(std::string_view bytes) {
  const json j = json::parse(bytes, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error::DeadLetter("document map: not JSON");
  try {
    DocumentMap m;
    j.at("doc_id").get_to(m.doc_id);
    j.at("chunks_ref").get_to(m.chunks_ref);
    j.at("mapper").get_to(m.mapper);
    for (const auto& c : j.at("cards")) {
      Card card;
      c.at("chunk").get_to(card.chunk);
      c.at("gist").get_to(card.gist);
      GetList(c, "people", card.people);
      GetList(c, "places", card.places);
      GetList(c, "organisations", card.organisations);
      GetList(c, "dates", card.dates);
      GetList(c, "events", card.events);
      GetList(c, "names", card.names);
      if (card.chunk != m.cards.size()) {
        return Error::DeadLetter("document map: card " + std::to_string(m.cards.size()) +
                                 " is numbered " + std::to_string(card.chunk));
      }
      m.cards.push_back(std::move(card));
    }
    return m;
  } catch (const json::exception& e) {
    return Error::DeadLetter(std::string("document map: ") + e.what());
  }
}

}  // namespace longforge::envelope
