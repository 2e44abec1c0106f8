// Fuzz target: ChunkText. The first byte picks the budget (4..67 tokens, small so that
// paragraphs, sentences and code points all get cut); the rest is the document, any
// bytes. Chunked with the estimator, and also with the exact tokenizer when
// LONGFORGE_FUZZ_TOKENIZER names one (tokenizer_env.h).
//
// Properties (chunker.h's guarantees): chunks are non-empty, contiguous and in order
// from 0 to the end, so they concatenate to the document byte for byte; each chunk's
// `tokens` is the counter's count of its text and at most the budget, except a chunk
// that is a single code point.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "fuzz/tokenizer_env.h"
#include "longforge/common/utf8.h"
#include "longforge/text/chunker.h"
#include "longforge/text/token_counter.h"

namespace {

using namespace longforge;

void CheckChunks(std::string_view doc, const text::TokenCounter& counter, std::size_t budget) {
  text::ChunkOptions options;
  options.max_tokens = budget;
  const std::vector<text::Chunk> chunks = text::ChunkText(doc, counter, options);
  FUZZ_CHECK(chunks.empty() == doc.empty(), "only an empty document has no chunks");
  std::size_t at = 0;
  std::string joined;
  for (const text::Chunk& chunk : chunks) {
    FUZZ_CHECK(chunk.begin == at, "chunks are contiguous");
    FUZZ_CHECK(chunk.end > chunk.begin && chunk.end <= doc.size(), "a chunk is non-empty, inside");
    const std::string_view piece = doc.substr(chunk.begin, chunk.end - chunk.begin);
    FUZZ_CHECK(chunk.tokens == counter.Count(piece), "tokens is the exact count");
    FUZZ_CHECK(chunk.tokens <= budget || DecodeUtf8(piece, 0).end() == piece.size(),
               "within budget, unless one code point");
    joined.append(piece);
    at = chunk.end;
  }
  FUZZ_CHECK(at == doc.size(), "the chunks reach the end");
  FUZZ_CHECK(joined == doc, "the chunks concatenate to the document");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::FuzzTokenizer();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t budget = 4 + data[0] % 64;
  const std::string_view doc(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const std::unique_ptr<text::TokenCounter> estimator = text::MakeEstimator();
  CheckChunks(doc, *estimator, budget);
  if (const text::BpeTokenizer* tokenizer = fuzz::FuzzTokenizer()) {
    CheckChunks(doc, *tokenizer, budget);
  }
  return 0;
}
