#include "workers/relevance/quote_grounding.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <optional>
#include <set>
#include <utility>

#include "longforge/common/utf8.h"
#include "longforge/text/normalize.h"
#include "longforge/text/text_match.h"

namespace longforge::workers {

std::string_view TrimQuotePunctuation(std::string_view quote) {
  std::string_view q = quote;
  for (bool changed = true; changed && !q.empty();) {
    changed = false;
    for (std::string_view p : {"...", "…"}) {
      if (q.starts_with(p)) {
        q.remove_prefix(p.size());
        changed = true;
      }
    }
    for (std::string_view p : {".",  ",",  ";",  ":",  "!",  "?",  "\"", "'",  ")", "…", "。",
                               "，", "；", "：", "！", "？", "、", "」", "』", "”", "’", "）"}) {
      if (q.ends_with(p)) {
        q.remove_suffix(p.size());
        changed = true;
      }
    }
    q = text::TrimWhitespace(q);
  }
  return q;
}

namespace {

// The span of `chunk` (its tokens) that holds the most of `quote`'s tokens in order; see
// kMinAlignment. nullopt when none holds enough.
std::optional<std::pair<uint32_t, uint32_t>> Align(const std::vector<text::MatchToken>& chunk,
                                                   std::string_view quote) {
  const auto q = text::MatchTokens(quote);
  const std::size_t n = q.size();
  if (n < kMinAlignedTokens || n > kMaxAlignedTokens) return std::nullopt;
  const auto need = static_cast<std::size_t>(std::ceil(kMinAlignment * static_cast<double>(n)));
  const std::size_t width = n + std::max<std::size_t>(3, n / 4);
  // A span holding `need` of the quote's tokens in order starts at one of its first
  // n - need + 1.
  const std::set<std::string> heads(q.begin(),
                                    q.begin() + static_cast<std::ptrdiff_t>(n - need + 1));
  std::size_t best = 0;
  std::optional<std::pair<uint32_t, uint32_t>> span;
  std::vector<std::size_t> prev(width + 1), cur(width + 1);
  std::size_t work = 0;  // LCS cells computed, bounded by kMaxAlignmentWork
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    if (!heads.contains(chunk[i].text)) continue;
    const std::size_t w = std::min(width, chunk.size() - i);
    work += n * w;
    if (work > kMaxAlignmentWork) break;  // periodic text: what was aligned so far stands
    // LCS of the quote with each prefix of the window; the last row says where it ends.
    std::fill(prev.begin(), prev.end(), 0);
    for (std::size_t a = 0; a < n; ++a) {
      cur[0] = 0;
      for (std::size_t k = 1; k <= w; ++k) {
        cur[k] = q[a] == chunk[i + k - 1].text ? prev[k - 1] + 1 : std::max(prev[k], cur[k - 1]);
      }
      std::swap(prev, cur);
    }
    if (prev[w] <= best) continue;
    best = prev[w];
    std::size_t end = w;
    while (end > 1 && prev[end - 1] == best) --end;
    span.emplace(static_cast<uint32_t>(chunk[i].begin),
                 static_cast<uint32_t>(chunk[i + end - 1].end));
  }
  if (best < need) return std::nullopt;
  // A changed number is a different claim, not a sloppy copy: every number the quote
  // states must be in the span.
  std::set<std::string> in_span;
  for (const auto& t : chunk) {
    if (t.begin >= span->first && t.end <= span->second) in_span.insert(t.text);
  }
  for (const auto& t : q) {
    const bool number =
        std::any_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (number && !in_span.contains(t)) return std::nullopt;
  }
  return span;
}

}  // namespace

GroundedQuotes GroundQuotes(std::string_view chunk, const std::vector<std::string>& quotes) {
  GroundedQuotes out;
  if (quotes.empty()) return out;
  // Attempts alternate between the two foldings: runs as one space, then removed.
  constexpr std::array<text::Spaces, 2> kRuns = {text::Spaces::kOne, text::Spaces::kNone};
  const std::array<text::FoldedText, 2> haystacks = {text::FoldWhitespaceMapped(chunk, kRuns[0]),
                                                     text::FoldWhitespaceMapped(chunk, kRuns[1])};
  std::set<std::pair<uint32_t, uint32_t>> seen;
  std::vector<const std::string*> unmatched;  // for alignment, after every verbatim match
  for (const std::string& quote : quotes) {
    std::optional<std::pair<uint32_t, uint32_t>> span;
    const std::string_view trimmed = TrimQuotePunctuation(quote);
    // Verbatim first; then without whitespace (CJK); then the same without punctuation.
    for (std::size_t attempt = 0; attempt < 4 && !span; ++attempt) {
      if (attempt == 2 && trimmed.size() == quote.size()) break;
      const text::FoldedText& hay = haystacks[attempt % 2];
      const std::string needle =
          text::FoldWhitespace(attempt < 2 ? std::string_view(quote) : trimmed, kRuns[attempt % 2]);
      if (needle.empty() || needle.size() > hay.text.size()) continue;
      // glibc's memmem is two-way: linear, no tables. (libstdc++ 12 builds the tables of
      // std::boyer_moore_searcher in time quadratic in the quote: 3 ms for 6 KB.)
      const void* hit = memmem(hay.text.data(), hay.text.size(), needle.data(), needle.size());
      if (hit == nullptr) continue;
      const auto at = static_cast<std::size_t>(static_cast<const char*>(hit) - hay.text.data());
      const uint32_t begin = hay.origin[at];
      const uint32_t end = hay.origin[at + needle.size() - 1] + 1;
      if (CodePointPrefix(chunk, begin) == begin && CodePointPrefix(chunk, end) == end) {
        span.emplace(begin, end);
      }
    }
    if (!span) {
      unmatched.push_back(&quote);
    } else if (seen.insert(*span).second) {
      out.kept.emplace_back(chunk.substr(span->first, span->second - span->first));
    }
  }
  if (unmatched.empty()) return out;
  // Models rarely copy perfectly: a quote that matches nowhere verbatim is aligned. A span
  // inside one already kept, or holding one, is the same quote again.
  const auto chunk_tokens = text::MatchTokenSpans(chunk);
  for (const std::string* quote : unmatched) {
    const auto span = Align(chunk_tokens, *quote);
    if (!span) {
      ++out.dropped;
      continue;
    }
    ++out.repaired;
    const bool again = std::any_of(seen.begin(), seen.end(), [&](const auto& k) {
      return (k.first <= span->first && span->second <= k.second) ||
             (span->first <= k.first && k.second <= span->second);
    });
    if (!again && seen.insert(*span).second) {
      out.kept.emplace_back(chunk.substr(span->first, span->second - span->first));
    }
  }
  return out;
}

}  // namespace longforge::workers
