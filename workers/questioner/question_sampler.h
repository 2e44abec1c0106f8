#pragma once
// Where a document's generated questions come from: which chunks, and how many.
// Deterministic: the same document (id and chunk table) gives the same samples.

#include <cstdint>
#include <string>
#include <vector>

#include "longforge/envelope/messages.h"

namespace longforge::workers {

// SplitMix64: tiny, stable across platforms (std distributions are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi] (hi >= lo).
  uint64_t Between(uint64_t lo, uint64_t hi) { return lo + Next() % (hi - lo + 1); }

 private:
  uint64_t state_;
};

struct SamplingOptions {
  int questions_per_doc = -1;             // -1: one per tokens_per_question, clamped
  uint64_t tokens_per_question = 50'000;  // auto rule: ceil(tokens / this), default 50k
  uint32_t min_auto_questions = 1;        // auto rule lower bound
  uint32_t max_auto_questions = 20;       // auto rule upper bound
  double multi_hop_share = 0.2;           // fraction of questions joining two chunks
  double min_hop_gap = 0.2;               // share of document bytes between a pair's chunks
  // --global-share: fraction of a mapped document's generated questions that are about
  // the whole document (GlobalQuestionWriter); default 0.3. Unmapped documents get none.
  double global_share = 0.3;
  // --balance-depth: every source chunk, both of each multi-hop pair included, gets its
  // own stratum (SampleChunks), so the sources of generated questions are spread evenly
  // over depth. Default false: singles are spread, pairs fall anywhere min_hop_gap apart.
  bool balance_depth = false;
};

// How many questions to ask of a document of `tokens` tokens: questions_per_doc when
// >= 0, else ceil(tokens / tokens_per_question) within [min_auto, max_auto].
uint32_t QuestionCount(const SamplingOptions& options, uint64_t tokens);

struct ChunkSample {
  std::vector<uint32_t> chunks;  // indices into the chunk table: one, or two (multi-hop)
};

// `count` samples: round(count * multi_hop_share) multi-hop pairs whose chunks have at
// least min_hop_gap of the document's bytes between them, the rest single chunks spread
// over the whole document (one per equal stratum, a seeded pick inside it). A pair's
// first chunk is anywhere its partner can still lie min_hop_gap further on, the partner
// anywhere after that: pairs crowd the end of a document and thin out its start. With
// balance_depth the document is cut into one equal stratum (by chunk count) per source
// chunk, singles' and pairs' alike, and each takes one seeded pick from its own; a pair
// joins a stratum of the first half with the one half the strata further on, and falls
// back to the pick above when those two cannot hold chunks min_hop_gap apart (as does
// every pair of a document with fewer chunks than strata). Gives fewer when the document
// has too few chunks (distinct chunks per single sample) or no pair far enough apart.
// `seed` is usually SeedOf(doc_id).
std::vector<ChunkSample> SampleChunks(const std::vector<envelope::ChunkRef>& chunks, uint32_t count,
                                      const SamplingOptions& options, uint64_t seed);

// A stable 64-bit seed from a document id.
uint64_t SeedOf(const std::string& doc_id);

}  // namespace longforge::workers
