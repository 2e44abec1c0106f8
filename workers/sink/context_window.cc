#include "workers/sink/context_window.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

namespace longforge::workers {
namespace {

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// `at`, moved back to the start of its UTF-8 sequence.
std::size_t CodePointStart(const std::string& text, std::size_t at) {
  while (at > 0 && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  return at;
}

// Lines longer than this are cut further at "letter, space, letter", which the
// pre-tokenisers split as surely as a line start; a document of one huge line would
// otherwise leave only slow counting of whole windows.
constexpr std::size_t kLongLine = 16 * 1024;

// The largest p in [from, to] on a code point boundary with Count(text[begin, p)) <= k,
// by bisection (token counts grow with the text, near enough for the count check that
// follows).
std::size_t LastEndWithin(const DocumentTokens& doc, std::size_t begin, std::size_t from,
                          std::size_t to, std::size_t k) {
  const std::string& t = doc.text();
  const auto count = [&](std::size_t p) {
    return doc.counter().Count(std::string_view(t).substr(begin, p - begin));
  };
  std::size_t lo = from, hi = to;  // count(lo) <= k is assumed; find the last such
  if (count(hi) <= k) return hi;
  while (hi - lo > 1) {
    std::size_t mid = CodePointStart(t, lo + (hi - lo) / 2);
    if (mid <= lo) mid = lo + 1;
    while (mid < hi && (static_cast<unsigned char>(t[mid]) & 0xC0) == 0x80) ++mid;
    if (mid >= hi) break;
    if (count(mid) <= k) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// A p in [from, to] with Count(text[begin, p)) == k exactly, or nullopt. Token counts of
// a growing prefix are not monotone inside a word ("Pri" can be two tokens, "Prince"
// one), so the bisection may stop beside a count that jumps; the code points around it,
// up to `scan` bytes either way, are tried one by one, nearest first.
std::optional<std::size_t> ExactEnd(const DocumentTokens& doc, std::size_t begin, std::size_t from,
                                    std::size_t to, std::size_t k, std::size_t scan) {
  const std::string& t = doc.text();
  const auto count = [&](std::size_t p) {
    return doc.counter().Count(std::string_view(t).substr(begin, p - begin));
  };
  const std::size_t p = LastEndWithin(doc, begin, from, to, k);
  if (count(p) == k) return p;
  for (std::size_t d = 1; d <= scan; ++d) {
    for (const std::size_t q : {p + d, p - std::min(d, p)}) {
      if (q < from || q > to || q == p ||
          (q < t.size() && (static_cast<unsigned char>(t[q]) & 0xC0) == 0x80)) {
        continue;
      }
      if (count(q) == k) return q;
    }
  }
  return std::nullopt;
}

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

DocumentTokens::DocumentTokens(std::string text, const text::TokenCounter& counter)
    : text_(std::move(text)), counter_(counter) {
  starts_.push_back(0);
  std::size_t last_letter_cut = 0;
  for (std::size_t i = 1; i < text_.size(); ++i) {
    const char c = text_[i];
    if (text_[i - 1] == '\n' && c != '\n' && c != '\r') {
      starts_.push_back(i);
      last_letter_cut = i;
    } else if (c == ' ' && i + 1 < text_.size() && i - starts_.back() >= kLongLine &&
               i - last_letter_cut >= kLongLine && IsAsciiLetter(text_[i - 1]) &&
               IsAsciiLetter(text_[i + 1])) {
      starts_.push_back(i);
      last_letter_cut = i;
    }
  }
  prefix_.reserve(starts_.size() + 1);
  prefix_.push_back(0);
  for (std::size_t i = 0; i < starts_.size(); ++i) {
    const std::string_view line =
        std::string_view(text_).substr(starts_[i], LineStart(i + 1) - starts_[i]);
    prefix_.push_back(prefix_.back() + counter_.Count(line));
  }
}

std::size_t DocumentTokens::LineStart(std::size_t i) const {
  return i < starts_.size() ? starts_[i] : text_.size();
}

std::size_t DocumentTokens::LineOf(std::size_t at) const {
  const auto it = std::upper_bound(starts_.begin(), starts_.end(), at);
  return static_cast<std::size_t>(it - starts_.begin()) - 1;
}

std::variant<Window, WindowSkip> CutWindow(const DocumentTokens& doc, std::size_t evidence_begin,
                                           std::size_t evidence_end, const WindowRequest& request) {
  const std::string& t = doc.text();
  const std::size_t n = request.tokens;
  const auto count = [&](std::size_t a, std::size_t b) {
    return doc.counter().Count(std::string_view(t).substr(a, b - a));
  };
  if (evidence_end <= evidence_begin || evidence_end > t.size()) {
    return WindowSkip{"no_evidence", "the sample has no evidence span inside the document"};
  }
  if (doc.tokens() < n) {
    return WindowSkip{"document_shorter_than_window",
                      "the document has " + std::to_string(doc.tokens()) + " tokens, fewer than " +
                          std::to_string(n)};
  }
  const std::size_t first_line = doc.LineOf(evidence_begin);
  const std::size_t last_line = doc.LineOf(evidence_end - 1);
  // The whole lines inside the evidence alone may be too many to count it at all.
  if (last_line > first_line + 1 && doc.LineTokens(first_line + 1, last_line) > n) {
    return WindowSkip{"evidence_wider_than_window", "the evidence spans more than " +
                                                        std::to_string(n) + " tokens (bytes " +
                                                        std::to_string(evidence_begin) + "-" +
                                                        std::to_string(evidence_end) + ")"};
  }
  const std::size_t evidence = count(evidence_begin, evidence_end);
  if (evidence > n) {
    return WindowSkip{"evidence_wider_than_window",
                      "the evidence spans " + std::to_string(evidence) + " tokens, more than " +
                          std::to_string(n) + " (bytes " + std::to_string(evidence_begin) + "-" +
                          std::to_string(evidence_end) + ")"};
  }
  const std::size_t free = n - evidence;
  const auto target =
      static_cast<std::size_t>(std::llround(request.depth * static_cast<double>(free)));
  const std::size_t first_start = doc.LineStart(first_line);
  const std::size_t partial = count(first_start, evidence_begin);
  // Tokens before the evidence when the window starts at line s <= first_line.
  const auto before = [&](std::size_t s) { return doc.LineTokens(s, first_line) + partial; };

  // The end of the window of N tokens from byte `at`, where `next_line` is the first
  // line starting at or after it; nullopt when there is no exact cut.
  const auto end_from = [&](std::size_t at, std::size_t next_line) -> std::optional<std::size_t> {
    const std::size_t next_start = doc.LineStart(next_line);
    const std::size_t head = at < next_start ? count(at, next_start) : 0;
    std::optional<std::size_t> end;
    if (head >= n) {
      end = ExactEnd(doc, at, at, next_start, n, 512);
    } else {
      // The last line boundary with at most N tokens since `at`, then a part of the next
      // line for the rest.
      std::size_t lo = next_line, hi = doc.lines();
      while (lo < hi) {
        const std::size_t mid = lo + (hi - lo + 1) / 2;
        if (head + doc.LineTokens(next_line, mid) <= n) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      const std::size_t rest = n - head - doc.LineTokens(next_line, lo);
      if (rest == 0) {
        end = doc.LineStart(lo);
      } else if (lo < doc.lines()) {
        const std::size_t line_begin = doc.LineStart(lo);
        end = ExactEnd(doc, line_begin, line_begin, doc.LineStart(lo + 1), rest, 512);
      }
    }
    if (end && count(at, *end) == n) return end;
    // Lines did not add up (the estimator, a tokenizer that adds a prefix space): count
    // whole windows instead.
    return ExactEnd(doc, at, at, t.size(), n, 16);
  };

  // The latest line start that leaves N tokens to the end of the document.
  std::size_t fit = 0;
  {
    std::size_t lo = 0, hi = doc.lines() - 1;
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo + 1) / 2;
      if (doc.LineTokens(mid, doc.lines()) >= n) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    fit = lo;
  }

  // Where the window starts: at a line start, or inside the evidence's own line when
  // fewer tokens than that line holds before the evidence are wanted (long paragraphs).
  // The best guess comes first; its neighbours follow, for when the count jumps over N
  // at every end near the guess's, or lines do not add up and the guess is off.
  struct Start {
    std::size_t at, next_line;
  };
  std::vector<Start> starts;
  if (target < partial && first_line <= fit) {
    // The first byte of the line with at most `target` tokens from it to the evidence.
    std::size_t lo = first_start, hi = evidence_begin;
    while (hi - lo > 1) {
      const std::size_t mid = CodePointStart(t, lo + (hi - lo) / 2);
      if (mid <= lo) break;
      if (count(mid, evidence_begin) <= target) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    starts.push_back({hi, first_line + 1});
    std::size_t back = hi, ahead = hi;
    for (int k = 0; k < 4; ++k) {
      back = back > first_start ? CodePointStart(t, back - 1) : back;
      while (ahead < evidence_begin && (static_cast<unsigned char>(t[++ahead]) & 0xC0) == 0x80) {
      }
      if (back < hi) starts.push_back({back, first_line + 1});
      if (ahead > hi && ahead <= evidence_begin) starts.push_back({ahead, first_line + 1});
    }
  } else {
    // The first start line with before(s) <= target (before falls as s grows), or the
    // line before it when that is closer.
    std::size_t lo = 0, hi = first_line;
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (before(mid) <= target) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    std::size_t s = lo;
    if (s > 0 && before(s) <= target && before(s - 1) - target < target - before(s)) --s;
    const std::size_t last = std::min(first_line, fit);
    s = std::min(s, last);
    starts.push_back({doc.LineStart(s), s});
    for (std::size_t k = 1; k <= 4; ++k) {
      if (s >= k) starts.push_back({doc.LineStart(s - k), s - k});
      if (s + k <= last) starts.push_back({doc.LineStart(s + k), s + k});
    }
  }

  std::optional<Window> cut;
  std::size_t cut_off = 0;
  std::optional<std::size_t> inexact;  // a start with no exact end
  for (const Start& start : starts) {
    const auto end = end_from(start.at, start.next_line);
    if (!end) {
      if (!inexact) inexact = start.at;
      continue;
    }
    if (*end < evidence_end) continue;  // the evidence would stick out
    Window w;
    w.begin = start.at;
    w.end = *end;
    w.tokens = n;
    w.evidence_tokens = evidence;
    w.tokens_before = count(start.at, evidence_begin);
    w.depth = request.depth;
    w.evidence_depth =
        free == 0 ? 0.0 : static_cast<double>(w.tokens_before) / static_cast<double>(free);
    const std::size_t off =
        w.tokens_before > target ? w.tokens_before - target : target - w.tokens_before;
    if (!cut || off < cut_off) {
      cut = w;
      cut_off = off;
    }
    if (off <= request.tolerance_tokens) break;
  }
  if (!cut && inexact) {
    return WindowSkip{"window_not_exact", "no cut from byte " + std::to_string(*inexact) +
                                              " or a few lines around it " + "has exactly " +
                                              std::to_string(n) +
                                              " tokens (the count jumps past it)"};
  }
  if (!cut) {
    return WindowSkip{"depth_unreachable",
                      "no window of " + std::to_string(n) + " tokens holds the evidence there"};
  }
  if (cut_off > request.tolerance_tokens) {
    return WindowSkip{"depth_unreachable",
                      "the evidence starts " + std::to_string(before(0)) +
                          " tokens into a document of " + std::to_string(doc.tokens()) +
                          "; a window of " + std::to_string(n) + " tokens puts it at depth " +
                          Fixed(cut->evidence_depth) + " at best, not " + Fixed(request.depth)};
  }
  return *cut;
}

std::optional<Span> KeyEvidence(std::string_view text, const std::vector<Span>& spans,
                                const std::vector<std::string>& quotes) {
  std::optional<Span> key;
  const auto add = [&key](Span s) {
    if (!key) {
      key = s;
    } else {
      key->begin = std::min(key->begin, s.begin);
      key->end = std::max(key->end, s.end);
    }
  };
  for (const std::string& quote : quotes) {
    if (quote.empty()) continue;
    bool in_span = false;
    for (const Span& s : spans) {
      if (s.end <= text.size() && s.begin < s.end &&
          text.substr(s.begin, s.end - s.begin).find(quote) != std::string_view::npos) {
        add(s);
        in_span = true;
      }
    }
    if (in_span) continue;
    if (const auto at = text.find(quote); at != std::string_view::npos) {
      add({at, at + quote.size()});
    }
  }
  if (key) return key;
  for (const Span& s : spans) {
    if (s.begin < s.end && s.end <= text.size()) add(s);
  }
  return key;
}

std::string TokensLabel(std::size_t tokens) {
  for (const auto& [unit, suffix] :
       {std::pair{std::size_t{1} << 20, "m"}, std::pair{std::size_t{1024}, "k"}}) {
    if (tokens >= unit && tokens % unit == 0) return std::to_string(tokens / unit) + suffix;
  }
  return std::to_string(tokens);
}

namespace {

std::vector<std::string_view> SplitCommas(std::string_view list) {
  std::vector<std::string_view> items;
  while (true) {
    const auto comma = list.find(',');
    items.push_back(list.substr(0, comma));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return items;
}

}  // namespace

std::variant<std::vector<std::size_t>, std::string> ParseTokenSizes(std::string_view list) {
  std::vector<std::size_t> sizes;
  for (std::string_view item : SplitCommas(list)) {
    std::size_t scale = 1;
    std::string_view digits = item;
    if (!digits.empty() && (digits.back() == 'k' || digits.back() == 'K')) {
      scale = 1024;
      digits.remove_suffix(1);
    } else if (!digits.empty() && (digits.back() == 'm' || digits.back() == 'M')) {
      scale = std::size_t{1} << 20;
      digits.remove_suffix(1);
    }
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || value == 0 ||
        value > (std::size_t{1} << 40) / scale) {
      return "\"" + std::string(item) +
             "\" is not a token count (a positive number, with k = 1024 or m = 1048576)";
    }
    sizes.push_back(value * scale);
  }
  std::sort(sizes.begin(), sizes.end());
  if (std::adjacent_find(sizes.begin(), sizes.end()) != sizes.end()) {
    return "\"" + std::string(list) + "\" names a size twice";
  }
  return sizes;
}

std::variant<std::vector<double>, std::string> ParseDepths(std::string_view list) {
  std::vector<double> depths;
  for (std::string_view item : SplitCommas(list)) {
    double value = -1;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || !(value >= 0) ||
        value > 1) {
      return "\"" + std::string(item) + "\" is not a depth (a number from 0 to 1)";
    }
    depths.push_back(value);
  }
  return depths;
}

}  // namespace longforge::workers
