#pragma once
// mapper: lf.chunked → lf.mapped. Writes a document's map — one card per reading chunk
// (CardWriter: one LLM call each, or the extractive baseline's rules) — into the store
// beside the chunk table, and passes the chunked document on with the map's key.

#include <string>

#include "longforge/kafka/handler.h"
#include "longforge/store/document_store.h"
#include "workers/mapper/card_writer.h"
#include "workers/mapper/mapper_probe.h"

namespace longforge::workers {

struct MapperOptions {
  // --map: which documents get a map. auto (the default): those that came without
  // supplied questions, the ones whose questions are generated (the map is what global
  // questions are written from; a document with only supplied questions would pay a
  // call per chunk for nothing); always; never.
  enum class Mode { kAuto, kAlways, kNever };
  Mode mode = Mode::kAuto;

  std::vector<std::string> Validate() const { return {}; }
};

// The mapper value of a document passed on without a map.
inline constexpr const char* kNotMapped = "none";

// Asynchronous when the writer is (an LLM): `done` is called from the writer's thread.
// A map already in the store under the same key (same document, chunk table and writer)
// is reused without a call: a re-run or a redelivered message costs nothing, and a
// worker killed halfway gets its finished cards back from the LLM response cache. A card
// that cannot be written fails the message with the writer's error (the run loop tries
// it again, then dead-letters the document naming the chunk); no map with a missing card
// is ever stored.
class MapperWorker final : public kafka::Handler {
 public:
  // `writer` and `probe` (may be null) must outlive the worker and its pending messages.
  MapperWorker(store::DocumentStore& store, CardWriter& writer, MapperProbe* probe = nullptr,
               MapperOptions options = {});
  void Handle(const kafka::InMessage& message, kafka::Done done) override;

  // The store key of the map of `chunks_ref` written by `writer`:
  // "<doc>.map-<12 hex of the hash of chunks_ref and writer>.json".
  static std::string MapKey(const std::string& doc_id, const std::string& chunks_ref,
                            const std::string& writer);

 private:
  store::DocumentStore& store_;
  CardWriter& writer_;
  MapperOptions options_;
  MapperProbe* probe_;
};

}  // namespace longforge::workers
