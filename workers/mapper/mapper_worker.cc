#include "workers/mapper/mapper_worker.h"

#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "longforge/common/hash.h"
#include "longforge/envelope/chunk_table.h"
#include "longforge/envelope/document_map.h"
#include "longforge/kafka/topics.h"

namespace longforge::workers {
namespace {

// One document being mapped, shared by its card callbacks; the last one finishes it.
struct MapJob {
  envelope::MappedEvent out;
  envelope::DocumentMap map;
  store::DocumentStore* store = nullptr;
  MapperProbe* probe = nullptr;
  kafka::Done done;

  std::mutex mu;
  std::optional<Error> error;  // guarded by mu; the first card that failed
  std::size_t pending = 0;     // guarded by mu

  void Written(uint32_t index, Result<envelope::Card> card) {
    {
      std::lock_guard lock(mu);
      if (card) {
        card->chunk = index;
        map.cards[index] = std::move(card.value());
      } else {
        if (probe != nullptr) probe->CardFailed();
        if (!error) {
          error = Error{card.error().disposition,
                        "map of " + map.doc_id + ": the card of chunk " + std::to_string(index) +
                            " of " + std::to_string(map.cards.size()) +
                            " could not be written: " + card.error().message};
        }
      }
      if (--pending > 0) return;
    }
    if (error) return done(*error);
    if (auto s = store->Put(out.map_ref, envelope::Encode(map)); !s) return done(s.error());
    if (probe != nullptr) probe->Mapped(static_cast<double>(map.cards.size()));
    done(kafka::Outputs{{kafka::kMapped, out.doc.doc_id, envelope::Encode(out)}});
  }
};

}  // namespace

MapperWorker::MapperWorker(store::DocumentStore& store, CardWriter& writer, MapperProbe* probe,
                           MapperOptions options)
    : store_(store), writer_(writer), options_(options), probe_(probe) {}

std::string MapperWorker::MapKey(const std::string& doc_id, const std::string& chunks_ref,
                                 const std::string& writer) {
  return doc_id + ".map-" + Hash128Hex(chunks_ref + "\n" + writer).substr(0, 12) + ".json";
}

void MapperWorker::Handle(const kafka::InMessage& message, kafka::Done done) {
  auto doc = envelope::DecodeChunkedEvent(message.value);
  if (!doc) return done(doc.error());
  envelope::MappedEvent out;
  out.doc = std::move(doc.value());
  const bool map = options_.mode == MapperOptions::Mode::kAlways ||
                   (options_.mode == MapperOptions::Mode::kAuto && out.doc.questions.empty());
  if (!map) {
    out.mapper = kNotMapped;
    if (probe_ != nullptr) probe_->Skipped();
    return done(kafka::Outputs{{kafka::kMapped, out.doc.doc_id, envelope::Encode(out)}});
  }
  out.mapper = writer_.Name();
  out.map_ref = MapKey(out.doc.doc_id, out.doc.chunks_ref, out.mapper);
  const auto emit = [&] {
    return kafka::Outputs{{kafka::kMapped, out.doc.doc_id, envelope::Encode(out)}};
  };
  if (store_.Contains(out.map_ref)) {
    auto stored = store_.Get(out.map_ref);
    if (!stored) return done(stored.error());
    auto map = envelope::DecodeDocumentMap(*stored);
    if (map && map->cards.size() == out.doc.chunk_count) {
      if (probe_ != nullptr) probe_->Reused();
      return done(emit());
    }
    // A map that does not fit is written again below (and replaces it).
  }
  auto table_bytes = store_.Get(out.doc.chunks_ref);
  if (!table_bytes) return done(table_bytes.error());
  auto table = envelope::DecodeChunkTable(*table_bytes);
  if (!table) return done(table.error());
  if (table->chunks.size() != out.doc.chunk_count || table->chunks.empty()) {
    return done(Error::DeadLetter("chunk table " + out.doc.chunks_ref + " has " +
                                  std::to_string(table->chunks.size()) + " chunks, message says " +
                                  std::to_string(out.doc.chunk_count)));
  }
  // Every chunk's text first, so that a read error fails the message before any call.
  std::vector<std::string> texts;
  texts.reserve(table->chunks.size());
  const std::string text_key = store::DocumentStore::TextKey(out.doc.doc_id);
  for (const auto& c : table->chunks) {
    auto bytes = store_.GetRange(text_key, c.begin, c.end);
    if (!bytes) return done(bytes.error());
    texts.push_back(std::move(bytes.value()));
  }
  auto job = std::make_shared<MapJob>();
  job->map.doc_id = out.doc.doc_id;
  job->map.chunks_ref = out.doc.chunks_ref;
  job->map.mapper = out.mapper;
  job->map.cards.resize(texts.size());
  job->out = std::move(out);
  job->store = &store_;
  job->probe = probe_;
  job->done = std::move(done);
  job->pending = texts.size();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto index = static_cast<uint32_t>(i);
    writer_.Write(index, std::move(texts[i]),
                  [job, index](Result<envelope::Card> card, envelope::LlmUsage) {
                    job->Written(index, std::move(card));
                  });
  }
}

}  // namespace longforge::workers
