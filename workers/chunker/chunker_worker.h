#pragma once
// chunker: lf.documents → lf.chunked. Splits a stored document into reading chunks
// within a token budget and stores the chunk table beside the text.

#include <string>
#include <vector>

#include "longforge/kafka/handler.h"
#include "longforge/store/document_store.h"
#include "longforge/store/document_text.h"
#include "longforge/text/token_counter.h"
#include "workers/chunker/chunker_probe.h"

namespace longforge::workers {

struct ChunkerOptions {
  std::size_t chunk_tokens = 1000;  // --chunk-tokens: reading chunk budget, tokens; default 1000
  std::size_t max_document_bytes = store::kDefaultMaxDocumentBytes;  // inline documents

  std::vector<std::string> Validate() const;
};

// Thread-compatible: one instance per run loop.
class ChunkerWorker final : public kafka::SyncHandler {
 public:
  ChunkerWorker(ChunkerOptions options, store::DocumentStore& store,
                const text::TokenCounter& counter, ChunkerProbe* probe);
  Result<kafka::Outputs> HandleSync(const kafka::InMessage& message) override;

 private:
  ChunkerOptions options_;
  store::DocumentStore& store_;
  const text::TokenCounter& counter_;
  ChunkerProbe* probe_;
};

}  // namespace longforge::workers
