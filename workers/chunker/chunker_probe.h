#pragma once

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace longforge::workers {

// Metrics of the chunker. Thread-safe.
class ChunkerProbe {
 public:
  explicit ChunkerProbe(prometheus::Registry& registry)
      : documents_(prometheus::BuildCounter()
                       .Name("longforge_chunker_documents_total")
                       .Help("Documents split into reading chunks")
                       .Register(registry)
                       .Add({})),
        bytes_(prometheus::BuildCounter()
                   .Name("longforge_chunker_document_bytes_total")
                   .Help("Bytes of document text chunked")
                   .Register(registry)
                   .Add({})),
        tokens_(prometheus::BuildCounter()
                    .Name("longforge_chunker_tokens_total")
                    .Help("Tokens of document text chunked")
                    .Register(registry)
                    .Add({})),
        chunks_(prometheus::BuildCounter()
                    .Name("longforge_chunker_chunks_total")
                    .Help("Reading chunks produced")
                    .Register(registry)
                    .Add({})) {}

  void Chunked(double bytes, double tokens, double chunks) {
    documents_.Increment();
    bytes_.Increment(bytes);
    tokens_.Increment(tokens);
    chunks_.Increment(chunks);
  }

 private:
  prometheus::Counter& documents_;
  prometheus::Counter& bytes_;
  prometheus::Counter& tokens_;
  prometheus::Counter& chunks_;
};

}  // namespace longforge::workers
