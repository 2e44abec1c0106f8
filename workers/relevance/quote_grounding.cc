#include "workers/relevance/quote_grounding.h"

#include <array>
#include <cstring>
#include <optional>
#include <set>
#include <utility>

#include "longforge/common/utf8.h"
#include "longforge/text/normalize.h"

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

GroundedQuotes GroundQuotes(std::string_view chunk, const std::vector<std::string>& quotes) {
  GroundedQuotes out;
  if (quotes.empty()) return out;
  // Attempts alternate between the two foldings: runs as one space, then removed.
  constexpr std::array<text::Spaces, 2> kRuns = {text::Spaces::kOne, text::Spaces::kNone};
  const std::array<text::FoldedText, 2> haystacks = {text::FoldWhitespaceMapped(chunk, kRuns[0]),
                                                     text::FoldWhitespaceMapped(chunk, kRuns[1])};
  std::set<std::pair<uint32_t, uint32_t>> seen;
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
      ++out.dropped;
    } else if (seen.insert(*span).second) {
      out.kept.emplace_back(chunk.substr(span->first, span->second - span->first));
    }
  }
  return out;
}

}  // namespace longforge::workers
