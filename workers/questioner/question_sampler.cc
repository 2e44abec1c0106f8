#include "workers/questioner/question_sampler.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "longforge/common/hash.h"

namespace longforge::workers {

uint32_t QuestionCount(const SamplingOptions& options, uint64_t tokens) {
  if (options.questions_per_doc >= 0) return static_cast<uint32_t>(options.questions_per_doc);
  const uint64_t per = std::max<uint64_t>(1, options.tokens_per_question);
  const uint64_t n = (tokens + per - 1) / per;
  return static_cast<uint32_t>(
      std::clamp<uint64_t>(n, options.min_auto_questions, options.max_auto_questions));
}

uint64_t SeedOf(const std::string& doc_id) {
  const std::string hex = Hash128Hex(doc_id);
  return std::stoull(hex.substr(0, 16), nullptr, 16);
}

namespace {

// A chunk of [a_lo, a_hi] and a later one of [b_lo, b_hi] beginning at least `gap` bytes
// after its end, each a seeded pick among those possible; nullopt when there is none.
std::optional<std::pair<uint32_t, uint32_t>> PickPair(const std::vector<envelope::ChunkRef>& chunks,
                                                      uint32_t a_lo, uint32_t a_hi, uint32_t b_lo,
                                                      uint32_t b_hi, uint64_t gap, Rng& rng) {
  std::vector<uint32_t> firsts;
  for (uint32_t i = a_lo; i <= a_hi && i < b_hi; ++i) {
    if (chunks[i].end + gap <= chunks[b_hi].begin) firsts.push_back(i);
  }
  if (firsts.empty()) return std::nullopt;
  const uint32_t a = firsts[rng.Between(0, firsts.size() - 1)];
  std::vector<uint32_t> seconds;
  for (uint32_t j = std::max(a + 1, b_lo); j <= b_hi; ++j) {
    if (chunks[j].begin >= chunks[a].end + gap) seconds.push_back(j);
  }
  return std::make_pair(a, seconds[rng.Between(0, seconds.size() - 1)]);
}

}  // namespace

std::vector<ChunkSample> SampleChunks(const std::vector<envelope::ChunkRef>& chunks, uint32_t count,
                                      const SamplingOptions& options, uint64_t seed) {
  std::vector<ChunkSample> out;
  if (chunks.empty() || count == 0) return out;
  Rng rng(seed);
  const auto n = static_cast<uint32_t>(chunks.size());
  const uint32_t hops =
      std::min(static_cast<uint32_t>(std::lround(count * options.multi_hop_share)), count);
  const uint32_t singles = std::min(count - hops, n);
  // Balanced: one stratum per source chunk; pair h joins stratum lower[h] with the one
  // `half` further on, and singles take the strata left.
  const uint32_t strata = singles + 2 * hops;
  const bool balanced = options.balance_depth && hops > 0 && strata <= n;
  const uint32_t half = strata / 2;
  std::vector<uint32_t> lower;
  std::vector<bool> paired(strata, false);
  if (balanced) {
    for (uint32_t h = 0; h < hops; ++h) {
      lower.push_back(static_cast<uint32_t>((2 * uint64_t{h} + 1) * half / (2 * uint64_t{hops})));
      paired[lower.back()] = paired[lower.back() + half] = true;
    }
  }
  const auto stratum = [&](uint32_t s, uint32_t of) {
    return std::make_pair(static_cast<uint32_t>(uint64_t{s} * n / of),
                          static_cast<uint32_t>(uint64_t{s + 1} * n / of - 1));
  };

  // Singles: one chunk per equal stratum of the chunk list, so the back half of a book
  // is asked about as often as the front.
  for (uint32_t s = 0, single = 0; single < singles; ++s) {
    if (balanced && paired[s]) continue;
    const auto [lo, hi] = stratum(s, balanced ? strata : singles);
    out.push_back({{static_cast<uint32_t>(rng.Between(lo, hi))}});
    ++single;
  }

  const uint64_t total = chunks.back().end - chunks.front().begin;
  const auto gap = static_cast<uint64_t>(std::ceil(options.min_hop_gap * double(total)));
  std::vector<std::pair<uint32_t, uint32_t>> used;
  for (uint32_t h = 0; h < hops; ++h) {
    std::optional<std::pair<uint32_t, uint32_t>> pair;
    if (balanced) {
      const auto [a_lo, a_hi] = stratum(lower[h], strata);
      const auto [b_lo, b_hi] = stratum(lower[h] + half, strata);
      pair = PickPair(chunks, a_lo, a_hi, b_lo, b_hi, gap, rng);
    }
    if (!pair) pair = PickPair(chunks, 0, n - 1, 0, n - 1, gap, rng);
    if (!pair) break;
    if (std::find(used.begin(), used.end(), *pair) != used.end()) continue;
    used.push_back(*pair);
    out.push_back({{pair->first, pair->second}});
  }
  return out;
}

}  // namespace longforge::workers
