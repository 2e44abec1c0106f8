#include "workers/relevance/relevance_reply.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <functional>
#include <optional>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

namespace longforge::workers {
namespace {

using Lines = std::vector<std::string_view>;

// Byte length of the whitespace character at s[i], or 0. Beyond ASCII: NBSP, the
// U+2000 block of spaces, line/paragraph separators, U+3000 and the BOM.
std::size_t SpaceLength(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  const std::string_view t = s.substr(i, 3);
  if (t.starts_with("\u00a0")) return 2;
  if (t.size() == 3 && t.starts_with("\xe2\x80") && static_cast<unsigned char>(t[2]) <= 0x8a) {
    return 3;  // U+2000..U+200A
  }
  for (std::string_view w : {"\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff"}) {
    if (t == w) return 3;
  }
  return 0;
}

std::string_view TrimSpace(std::string_view s) {
  for (std::size_t k = 0; !s.empty() && (k = SpaceLength(s, 0)) > 0;) s.remove_prefix(k);
  for (bool more = true; more;) {
    more = false;
    for (std::size_t k = 1; k <= std::min<std::size_t>(3, s.size()) && !more; ++k) {
      more = SpaceLength(s, s.size() - k) == k;  // a continuation byte is never a space
      if (more) s.remove_suffix(k);
    }
  }
  return s;
}

bool StripPrefix(std::string_view& s, std::string_view prefix) {
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}

// `prefix` is lower-case ASCII.
bool StripPrefixNoCase(std::string_view& s, std::string_view prefix) {
  const auto same = [](char p, char c) { return p == std::tolower(static_cast<unsigned char>(c)); };
  if (s.size() < prefix.size() || !std::equal(prefix.begin(), prefix.end(), s.begin(), same)) {
    return false;
  }
  s.remove_prefix(prefix.size());
  return true;
}

// A number of one to three ASCII digits at the front of `s`.
std::optional<std::size_t> StripNumber(std::string_view& s) {
  std::size_t n = 0;
  std::size_t value = 0;
  while (n < s.size() && n < 3 && s[n] >= '0' && s[n] <= '9') {
    value = value * 10 + static_cast<std::size_t>(s[n++] - '0');
  }
  if (n == 0) return std::nullopt;
  s.remove_prefix(n);
  return value;
}

// "[2]", "**[2]**", "## 【2】:", "[Question 2]", "［2］" → 2 and what follows on the line.
std::optional<std::pair<std::size_t, std::string_view>> Header(std::string_view line) {
  line = TrimSpace(line);
  while (StripPrefix(line, "#") || StripPrefix(line, "**") || StripPrefix(line, "__")) {
    line = TrimSpace(line);
  }
  constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kBrackets = {
      {{"[", "]"}, {"【", "】"}, {"［", "］"}}};
  const auto bracket = std::find_if(kBrackets.begin(), kBrackets.end(),
                                    [&](const auto& b) { return StripPrefix(line, b.first); });
  if (bracket == kBrackets.end()) return std::nullopt;
  const std::string_view close = bracket->second;
  if (StripPrefixNoCase(line, "question") || StripPrefixNoCase(line, "q") ||
      StripPrefix(line, "问题")) {
    line = TrimSpace(line);
  }
  const auto index = StripNumber(line);
  if (!index || !StripPrefix(line, close)) return std::nullopt;
  StripPrefix(line, "**") || StripPrefix(line, "__");
  StripPrefix(line, ":") || StripPrefix(line, "：") || StripPrefix(line, ".");
  return std::make_pair(*index, TrimSpace(line));
}

std::string_view StripBullet(std::string_view s) {
  while (StripPrefix(s, ">")) s = TrimSpace(s);
  for (std::string_view b : {"- ", "* ", "+ ", "• ", "· ", "・", "‣ ", "● ", "▪ ", "•", "·"}) {
    if (StripPrefix(s, b)) return TrimSpace(s);
  }
  // "1. x", "1) x", "(1) x", "1、x"; not "3.5 million".
  std::string_view rest = s;
  const bool paren = StripPrefix(rest, "(");
  if (!StripNumber(rest)) return s;
  if (paren ? StripPrefix(rest, ")") : StripPrefix(rest, "、") || StripPrefix(rest, "．")) {
    return TrimSpace(rest);
  }
  if (!paren && (StripPrefix(rest, ".") || StripPrefix(rest, ")")) &&
      (rest.empty() || SpaceLength(rest, 0) > 0)) {
    return TrimSpace(rest);
  }
  return s;
}

// Quote marks first, then markdown emphasis; "”…”" is a common model slip.
constexpr std::array<std::string_view, 10> kOpen = {"\"", "“", "”", "「", "『",
                                                    "'",  "‘", "«", "**", "`"};
constexpr std::array<std::string_view, 10> kClose = {"\"", "”", "”", "」", "』",
                                                     "'",  "’", "»", "**", "`"};

bool StartsWithQuoteMark(std::string_view s) {
  return std::any_of(kOpen.begin(), kOpen.end() - 2, [&](auto q) { return s.starts_with(q); });
}

// Surrounding quote marks and markdown emphasis, and the comma after a JSON list item.
std::string_view StripQuotes(std::string_view s) {
  if (s.ends_with(",") && StartsWithQuoteMark(s)) s.remove_suffix(1);
  for (std::size_t i = 0; i < kOpen.size(); ++i) {
    const std::size_t open = kOpen[i].size();
    const std::size_t close = kClose[i].size();
    if (s.size() >= open + close && s.starts_with(kOpen[i]) && s.ends_with(kClose[i])) {
      return StripQuotes(TrimSpace(s.substr(open, s.size() - open - close)));
    }
  }
  return s;
}

// "Relevant sentences: x" → "x"; a label alone → "".
std::optional<std::string_view> StripLabel(std::string_view s) {
  for (std::string_view label :
       {"relevant sentences", "relevant sentence", "relevant quotes", "quotes", "quote",
        "sentences", "answer", "reply", "相关句子", "相关内容", "引用", "回答"}) {
    std::string_view rest = s;
    if (StripPrefixNoCase(rest, label)) {
      rest = TrimSpace(rest);
      if (StripPrefix(rest, ":") || StripPrefix(rest, "：")) return TrimSpace(rest);
    }
  }
  return std::nullopt;
}

// The quote without trailing punctuation and leading/trailing ellipses.
std::string_view TrimPunctuation(std::string_view q) {
  for (bool changed = true; changed && !q.empty();) {
    changed = false;
    for (std::string_view p : {"...", "…"}) {
      if (StripPrefix(q, p)) changed = true;
    }
    for (std::string_view p : {".",  ",",  ";",  ":",  "!",  "?",  "\"", "'",  ")", "…", "。",
                               "，", "；", "：", "！", "？", "、", "」", "』", "”", "’", "）"}) {
      if (q.ends_with(p)) {
        q.remove_suffix(p.size());
        changed = true;
      }
    }
    q = TrimSpace(q);
  }
  return q;
}

bool IsNone(std::string_view s) {
  std::string_view head = s;
  if (StripPrefixNoCase(head, "none") &&
      (head.starts_with(". ") || head.starts_with("! ") ||
       (s.starts_with("NONE") &&
        (head.empty() || !std::isalnum(static_cast<unsigned char>(head[0])))))) {
    return true;  // "NONE - no mention", "None. The passage is about ..."
  }
  s = TrimPunctuation(s);
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Whole replies that mean "none", between bars.
  constexpr std::string_view kNone =
      "|none|no|n/a|nothing|nothing relevant|no relevant sentences|no relevant sentence|"
      "no relevant information|not relevant|irrelevant|无|無|没有|沒有|不相关|无相关内容|"
      "无相关句子|没有相关内容|没有相关句子|";
  return !lower.empty() && lower.find('|') == std::string::npos &&
         kNone.find("|" + lower + "|") != std::string_view::npos;
}

ReplyKind KindOf(const ReplyPart& part, bool said_none) {
  if (!part.quotes.empty()) return ReplyKind::kQuotes;
  return said_none ? ReplyKind::kNone : ReplyKind::kMalformed;
}

// Adds a JSON value's strings to `part`; NONE strings and empty lists count as none.
void FromJson(const nlohmann::json& v, ReplyPart& part, bool& said_none) {
  if (v.is_string()) {
    const auto s = TrimSpace(v.get_ref<const std::string&>());
    if (IsNone(s)) {
      said_none = true;
    } else if (!s.empty()) {
      part.quotes.emplace_back(s);
    }
  } else if (v.is_array()) {
    if (v.empty()) said_none = true;
    for (const auto& e : v) FromJson(e, part, said_none);
  } else if (v.is_object()) {
    for (const char* key : {"quotes", "quote", "sentences", "relevant_sentences", "relevant",
                            "evidence", "text", "answer"}) {
      if (!v.contains(key)) continue;
      const auto& x = v.at(key);
      if (x.is_null() || (x.is_boolean() && !x.get<bool>())) said_none = true;
      return FromJson(x, part, said_none);
    }
  } else if (v.is_null()) {
    said_none = true;
  }
}

// Broken JSON (usually cut off by max_tokens): every complete string that is not a key.
void ScanStrings(std::string_view text, ReplyPart& part, bool& said_none) {
  for (std::size_t i = text.find('"'); i != std::string_view::npos; i = text.find('"', i)) {
    std::string raw = "\"";
    std::size_t j = i + 1;
    for (; j < text.size() && text[j] != '"'; ++j) {
      raw += text[j];
      if (text[j] == '\\' && j + 1 < text.size()) raw += text[++j];
    }
    if (j >= text.size()) return;  // cut off inside the string
    raw += '"';
    std::size_t k = j + 1;
    while (k < text.size() && SpaceLength(text, k) == 1) ++k;
    if (k >= text.size() || text[k] != ':') {
      const auto v = nlohmann::json::parse(raw, nullptr, /*allow_exceptions=*/false);
      if (v.is_string()) FromJson(v, part, said_none);
    }
    i = j + 1;
  }
}

// Nullopt when `text` is neither JSON nor holds a complete JSON string.
std::optional<ReplyPart> FromJsonText(std::string_view text) {
  ReplyPart part;
  bool said_none = false;
  const auto v = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!v.is_discarded()) {
    FromJson(v, part, said_none);
  } else {
    ScanStrings(text, part, said_none);
    if (part.quotes.empty() && !said_none) return std::nullopt;
  }
  part.kind = KindOf(part, said_none);
  return part;
}

// `["…`, `[]`, `{"…`, a lone `[`: not "[citation] text".
bool LooksLikeJson(std::string_view l) {
  if (!l.starts_with("[") && !l.starts_with("{")) return false;
  const std::string_view rest = TrimSpace(l.substr(1));
  return rest.empty() || std::string_view("\"[]{}").find(rest[0]) != std::string_view::npos;
}

ReplyPart ParseBlock(const Lines& lines) {
  ReplyPart part;
  bool said_none = false;
  bool first = true;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view l = StripBullet(TrimSpace(lines[i]));
    if (const auto rest = StripLabel(l)) l = *rest;
    if (l.empty()) continue;
    if ((l.ends_with(":") || l.ends_with("：")) && !StartsWithQuoteMark(l)) continue;  // chatter
    if (first && LooksLikeJson(l)) {
      // A JSON-ish value, possibly spread over the following lines.
      std::string text(l);
      for (std::size_t j = i + 1; j < lines.size(); ++j) (text += '\n') += lines[j];
      if (auto json = FromJsonText(text)) return *std::move(json);
    }
    l = StripQuotes(l);
    if (l.empty()) continue;
    if (IsNone(l)) {
      if (first) return ReplyPart{ReplyKind::kNone, {}};
      said_none = true;
    } else {
      part.quotes.emplace_back(l);
    }
    first = false;
  }
  part.kind = KindOf(part, said_none);
  return part;
}

}  // namespace

std::vector<ReplyPart> ParseRelevanceReply(std::string_view reply, std::size_t questions) {
  std::vector<ReplyPart> parts(questions);
  if (questions == 0) return parts;
  std::vector<std::optional<Lines>> blocks(questions);
  Lines preamble;
  Lines* current = &preamble;
  for (std::size_t pos = 0; pos <= reply.size();) {
    const std::size_t end = std::min(reply.find('\n', pos), reply.size());
    const std::string_view line = reply.substr(pos, end - pos);
    pos = end + 1;
    const std::string_view t = TrimSpace(line);
    if (t.starts_with("```") || t.starts_with("~~~")) continue;
    if (const auto header = Header(t); header && header->first >= 1 && header->first <= questions) {
      auto& block = blocks[header->first - 1];
      if (!block) block.emplace();
      current = &*block;
      if (!header->second.empty()) current->push_back(header->second);
      continue;
    }
    current->push_back(line);
  }
  const bool any_header =
      std::any_of(blocks.begin(), blocks.end(), [](const auto& b) { return b.has_value(); });
  if (questions == 1 && !any_header) blocks[0] = std::move(preamble);
  for (std::size_t i = 0; i < questions; ++i) {
    if (blocks[i]) parts[i] = ParseBlock(*blocks[i]);
  }
  return parts;
}

namespace {

// Text with whitespace runs collapsed to one space (or removed), remembering where each
// byte came from.
struct Normalized {
  std::string text;
  std::vector<uint32_t> origin;  // origin[i]: offset in the source of text[i]
};

Normalized Normalize(std::string_view s, bool keep_spaces) {
  Normalized n;
  n.text.reserve(s.size());
  n.origin.reserve(s.size());
  bool pending = false;
  for (std::size_t i = 0; i < s.size();) {
    if (const std::size_t k = SpaceLength(s, i); k > 0) {
      pending = !n.text.empty();
      i += k;
      continue;
    }
    if (pending && keep_spaces) {
      n.text += ' ';
      n.origin.push_back(static_cast<uint32_t>(i));
    }
    pending = false;
    n.text += s[i];
    n.origin.push_back(static_cast<uint32_t>(i));
    ++i;
  }
  return n;
}

bool IsContinuation(std::string_view s, std::size_t i) {
  return i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80;
}

}  // namespace

GroundedQuotes GroundQuotes(std::string_view chunk, const std::vector<std::string>& quotes) {
  GroundedQuotes out;
  if (quotes.empty()) return out;
  const std::array<Normalized, 2> haystacks = {Normalize(chunk, true), Normalize(chunk, false)};
  std::set<std::pair<uint32_t, uint32_t>> seen;
  for (const std::string& quote : quotes) {
    std::optional<std::pair<uint32_t, uint32_t>> span;
    const std::string_view trimmed = TrimPunctuation(quote);
    // Verbatim first; then without whitespace (CJK); then the same without punctuation.
    for (std::size_t attempt = 0; attempt < 4 && !span; ++attempt) {
      if (attempt == 2 && trimmed.size() == quote.size()) break;
      const Normalized& hay = haystacks[attempt % 2];
      const std::string needle = Normalize(attempt < 2 ? quote : trimmed, attempt % 2 == 0).text;
      if (needle.empty() || needle.size() > hay.text.size()) continue;
      // glibc's memmem is two-way: linear, no tables. (libstdc++ 12 builds the tables of
      // std::boyer_moore_searcher in time quadratic in the quote: 3 ms for 6 KB.)
      const void* hit = memmem(hay.text.data(), hay.text.size(), needle.data(), needle.size());
      if (hit == nullptr) continue;
      const auto at = static_cast<std::size_t>(static_cast<const char*>(hit) - hay.text.data());
      const uint32_t begin = hay.origin[at];
      const uint32_t end = hay.origin[at + needle.size() - 1] + 1;
      if (!IsContinuation(chunk, begin) && !IsContinuation(chunk, end)) span.emplace(begin, end);
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
