#include "workers/questioner/question_sampler.h"

#include <algorithm>
#include <cmath>

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

std::vector<ChunkSample> SampleChunks(const std::vector<envelope::ChunkRef>& chunks, uint32_t count,
                                      const SamplingOptions& options, uint64_t seed) {
  std::vector<ChunkSample> out;
  if (chunks.empty() || count == 0) return out;
  Rng rng(seed);
  const auto n = static_cast<uint32_t>(chunks.size());
  const uint32_t hops = static_cast<uint32_t>(std::lround(count * options.multi_hop_share));
  const uint32_t singles = std::min(count - std::min(hops, count), n);

  // Singles: one chunk per equal stratum of the chunk list, so the back half of a book
  // is asked about as often as the front.
  for (uint32_t s = 0; s < singles; ++s) {
    const uint64_t lo = uint64_t{s} * n / singles;
    const uint64_t hi = uint64_t{s + 1} * n / singles - 1;
    out.push_back({{static_cast<uint32_t>(rng.Between(lo, hi))}});
  }

  // Pairs: the first chunk anywhere a partner can still lie min_hop_gap further on.
  const uint64_t total = chunks.back().end - chunks.front().begin;
  const auto gap = static_cast<uint64_t>(std::ceil(options.min_hop_gap * double(total)));
  std::vector<std::pair<uint32_t, uint32_t>> used;
  for (uint32_t h = 0; h < std::min(hops, count); ++h) {
    std::vector<uint32_t> firsts;
    for (uint32_t i = 0; i < n; ++i) {
      if (chunks[i].end + gap <= chunks.back().begin) firsts.push_back(i);
    }
    if (firsts.empty()) break;
    const uint32_t a = firsts[rng.Between(0, firsts.size() - 1)];
    std::vector<uint32_t> seconds;
    for (uint32_t j = a + 1; j < n; ++j) {
      if (chunks[j].begin >= chunks[a].end + gap) seconds.push_back(j);
    }
    const uint32_t b = seconds[rng.Between(0, seconds.size() - 1)];
    if (std::find(used.begin(), used.end(), std::make_pair(a, b)) != used.end()) continue;
    used.emplace_back(a, b);
    out.push_back({{a, b}});
  }
  return out;
}

}  // namespace longforge::workers
