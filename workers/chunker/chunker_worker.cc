#include "workers/chunker/chunker_worker.h"

#include "longforge/common/hash.h"
#include "longforge/envelope/chunk_table.h"
#include "longforge/envelope/messages.h"
#include "longforge/kafka/topics.h"
#include "longforge/store/accept_document.h"
#include "longforge/text/chunker.h"
#include "longforge/text/outline.h"

namespace longforge::workers {

std::vector<std::string> ChunkerOptions::Validate() const {
  std::vector<std::string> problems;
  if (chunk_tokens < 16 || chunk_tokens > 100000) {
    problems.emplace_back("--chunk-tokens must be 16..100000 (got " + std::to_string(chunk_tokens) +
                          ")");
  }
  if (max_document_bytes == 0) problems.emplace_back("--max-document-bytes must be positive");
  return problems;
}

ChunkerWorker::ChunkerWorker(ChunkerOptions options, store::DocumentStore& store,
                             const text::TokenCounter& counter, ChunkerProbe* probe)
    : options_(std::move(options)), store_(store), counter_(counter), probe_(probe) {}

Result<kafka::Outputs> ChunkerWorker::HandleSync(const kafka::InMessage& message) {
  auto event = envelope::DecodeDocumentEvent(message.value);
  if (!event) return event.error();
  std::string text;
  if (event->text) {
    // Submitted inline (e.g. with kcat): the same rule as ingest's.
    const std::string where = message.topic + "[" + std::to_string(message.partition) + "]@" +
                              std::to_string(message.offset);
    auto doc = store::AcceptDocument(store_, *event->text, where, event->doc_id,
                                     options_.max_document_bytes);
    if (!doc) return doc.error();
    event->doc_id = doc->id;
    text = std::move(doc->text);
  } else {
    auto stored = store_.Get(store::DocumentStore::TextKey(event->doc_id));
    if (!stored) return stored.error();
    text = std::move(stored.value());
  }

  text::ChunkOptions copts;
  copts.max_tokens = options_.chunk_tokens;
  const auto chunks = text::ChunkText(text, counter_, copts);
  if (chunks.empty()) return Error::DeadLetter("document " + event->doc_id + " has no text");

  envelope::ChunkTable table{
      event->doc_id, counter_.Name(), static_cast<uint32_t>(options_.chunk_tokens), {}, {}, {}};
  table.outline = text::DetectOutline(text);
  uint64_t tokens = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    table.chunks.push_back({static_cast<uint32_t>(i), chunks[i].begin, chunks[i].end,
                            static_cast<uint32_t>(chunks[i].tokens)});
    table.chunk_headings.push_back(text::HeadingIndexAt(
        table.outline, chunks[i].begin + (chunks[i].end - chunks[i].begin) / 2));
    tokens += chunks[i].tokens;
  }
  // The table depends on the tokenizer and budget, so both name its key ("outline" marks
  // tables that carry the chapters, so a store from before them is not reused).
  const std::string key =
      event->doc_id + ".chunks-" +
      Hash128Hex(table.tokenizer + "/" + std::to_string(table.max_tokens) + "/outline")
          .substr(0, 12) +
      ".json";
  if (auto s = store_.Put(key, envelope::Encode(table)); !s) return s.error();

  envelope::ChunkedEvent out;
  out.doc_id = event->doc_id;
  out.title = event->title;
  out.bytes = text.size();
  out.tokens = tokens;
  out.tokenizer = table.tokenizer;
  out.chunk_count = static_cast<uint32_t>(chunks.size());
  out.chunks_ref = key;
  out.questions = event->questions;
  if (probe_) probe_->Chunked(double(text.size()), double(tokens), double(chunks.size()));
  return kafka::Outputs{{kafka::kChunked, out.doc_id, envelope::Encode(out)}};
}

}  // namespace longforge::workers
