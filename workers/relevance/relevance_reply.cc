#include "workers/relevance/relevance_reply.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "longforge/text/normalize.h"
#include "workers/relevance/quote_grounding.h"

namespace longforge::workers {
namespace {

using Lines = std::vector<std::string_view>;

using text::TrimWhitespace;

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
  line = TrimWhitespace(line);
  while (StripPrefix(line, "#") || StripPrefix(line, "**") || StripPrefix(line, "__")) {
    line = TrimWhitespace(line);
  }
  constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kBrackets = {
      {{"[", "]"}, {"【", "】"}, {"［", "］"}}};
  const auto bracket = std::find_if(kBrackets.begin(), kBrackets.end(),
                                    [&](const auto& b) { return StripPrefix(line, b.first); });
  if (bracket == kBrackets.end()) return std::nullopt;
  const std::string_view close = bracket->second;
  if (StripPrefixNoCase(line, "question") || StripPrefixNoCase(line, "q") ||
      StripPrefix(line, "问题")) {
    line = TrimWhitespace(line);
  }
  const auto index = StripNumber(line);
  if (!index || !StripPrefix(line, close)) return std::nullopt;
  StripPrefix(line, "**") || StripPrefix(line, "__");
  StripPrefix(line, ":") || StripPrefix(line, "：") || StripPrefix(line, ".");
  return std::make_pair(*index, TrimWhitespace(line));
}

std::string_view StripBullet(std::string_view s) {
  while (StripPrefix(s, ">")) s = TrimWhitespace(s);
  for (std::string_view b : {"- ", "* ", "+ ", "• ", "· ", "・", "‣ ", "● ", "▪ ", "•", "·"}) {
    if (StripPrefix(s, b)) return TrimWhitespace(s);
  }
  // "1. x", "1) x", "(1) x", "1、x"; not "3.5 million".
  std::string_view rest = s;
  const bool paren = StripPrefix(rest, "(");
  if (!StripNumber(rest)) return s;
  if (paren ? StripPrefix(rest, ")") : StripPrefix(rest, "、") || StripPrefix(rest, "．")) {
    return TrimWhitespace(rest);
  }
  if (!paren && (StripPrefix(rest, ".") || StripPrefix(rest, ")")) &&
      (rest.empty() || text::StartsWithWhitespace(rest))) {
    return TrimWhitespace(rest);
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
      return StripQuotes(TrimWhitespace(s.substr(open, s.size() - open - close)));
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
      rest = TrimWhitespace(rest);
      if (StripPrefix(rest, ":") || StripPrefix(rest, "：")) return TrimWhitespace(rest);
    }
  }
  return std::nullopt;
}

bool IsNone(std::string_view s) {
  std::string_view head = s;
  if (StripPrefixNoCase(head, "none") &&
      (head.starts_with(". ") || head.starts_with("! ") ||
       (s.starts_with("NONE") &&
        (head.empty() || !std::isalnum(static_cast<unsigned char>(head[0])))))) {
    return true;  // "NONE - no mention", "None. The passage is about ..."
  }
  const std::string lower = text::FoldForMatching(TrimQuotePunctuation(s));
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
    const auto s = TrimWhitespace(v.get_ref<const std::string&>());
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
    const std::size_t k = text.find_first_not_of(" \t\n\v\f\r", j + 1);  // JSON's blanks
    if (k == std::string_view::npos || text[k] != ':') {
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
  const std::string_view rest = TrimWhitespace(l.substr(1));
  return rest.empty() || std::string_view("\"[]{}").find(rest[0]) != std::string_view::npos;
}

ReplyPart ParseBlock(const Lines& lines) {
  ReplyPart part;
  bool said_none = false;
  bool first = true;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view l = StripBullet(TrimWhitespace(lines[i]));
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
    const std::string_view t = TrimWhitespace(line);
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

}  // namespace longforge::workers
