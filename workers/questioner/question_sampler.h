#pragma once
// Where a document's generated questions come from: which chunks, and how many.
// Deterministic: the same document (id and chunk table) gives the same samples.

#include <cstdint>
#include <string>
#include <vector>

#include "longforge/envelope/messages.h"

namespace longforge::workers {

struct SamplingOptions {
  int questions_per_doc = -1;             // -1: one per tokens_per_question, clamped
  uint64_t tokens_per_question = 50'000;  // auto rule: ceil(tokens / this), default 50k
  uint32_t min_auto_questions = 1;        // auto rule lower bound
  uint32_t max_auto_questions = 20;       // auto rule upper bound
  double multi_hop_share = 0.2;           // fraction of questions joining two chunks
  double min_hop_gap = 0.2;               // share of document bytes between a pair's chunks
};

// How many questions to ask of a document of `tokens` tokens: questions_per_doc when
// >= 0, else ceil(tokens / tokens_per_question) within [min_auto, max_auto].
uint32_t QuestionCount(const SamplingOptions& options, uint64_t tokens);

struct ChunkSample {
  std::vector<uint32_t> chunks;  // indices into the chunk table: one, or two (multi-hop)
};

// `count` samples: round(count * multi_hop_share) multi-hop pairs whose chunks have at
// least min_hop_gap of the document's bytes between them, the rest single chunks spread
// over the whole document (one per equal stratum, a seeded pick inside it). Gives fewer
// when the document has too few chunks (distinct chunks per single sample) or no pair
// far enough apart. `seed` is usually SeedOf(doc_id).
std::vector<ChunkSample> SampleChunks(const std::vector<envelope::ChunkRef>& chunks, uint32_t count,
                                      const SamplingOptions& options, uint64_t seed);

// A stable 64-bit seed from a document id.
uint64_t SeedOf(const std::string& doc_id);

}  // namespace longforge::workers
