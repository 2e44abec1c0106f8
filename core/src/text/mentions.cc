#include "longforge/text/mentions.h"

#include <algorithm>
#include <utility>

#include "longforge/common/strings.h"
#include "longforge/text/normalize.h"

namespace longforge::text {
namespace {

bool IsAsciiAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char UpperAscii(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// `candidate` is `name` as written, or in capitals ("STUBB" in a heading or a cast list).
bool SameName(std::string_view name, std::string_view candidate) {
  if (candidate == name) return true;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (UpperAscii(name[i]) != candidate[i]) return false;
  }
  return true;
}

// Calls `hit(offset)` for each mention in order until it returns false.
template <typename Hit>
void ScanMentions(std::string_view text, std::string_view name, Hit hit) {
  if (name.empty() || name.size() > text.size()) return;
  const bool bound_front = IsAsciiAlnum(static_cast<unsigned char>(name.front()));
  const bool bound_back = IsAsciiAlnum(static_cast<unsigned char>(name.back()));
  const char first = name.front();
  const char upper = UpperAscii(first);
  for (std::size_t at = 0; at + name.size() <= text.size(); ++at) {
    const char c = text[at];
    if (c != first && c != upper) continue;
    if (!SameName(name, text.substr(at, name.size()))) continue;
    if (bound_front && at > 0 && IsAsciiAlnum(static_cast<unsigned char>(text[at - 1]))) continue;
    const std::size_t end = at + name.size();
    if (bound_back && end < text.size() && IsAsciiAlnum(static_cast<unsigned char>(text[end]))) {
      continue;
    }
    if (!hit(at)) return;
  }
}

}  // namespace

std::vector<std::size_t> FindMentions(std::string_view text, std::string_view name) {
  std::vector<std::size_t> out;
  ScanMentions(text, name, [&](std::size_t at) {
    out.push_back(at);
    return true;
  });
  return out;
}

bool Mentions(std::string_view text, std::string_view name) {
  bool found = false;
  ScanMentions(text, name, [&](std::size_t) {
    found = true;
    return false;
  });
  return found;
}

std::vector<std::string> QuotedPhrases(std::string_view question) {
  struct Pair {
    std::string_view open, close;
  };
  static constexpr Pair kPairs[] = {
      {"\"", "\""}, {"\u201C", "\u201D"}, {"\u300C", "\u300D"}, {"\u300E", "\u300F"}};
  std::vector<std::pair<std::size_t, std::string>> found;
  for (const auto& [open, close] : kPairs) {
    std::size_t at = 0;
    while (true) {
      const std::size_t b = question.find(open, at);
      if (b == std::string_view::npos) break;
      const std::size_t e = question.find(close, b + open.size());
      if (e == std::string_view::npos) break;
      const std::string_view inside = TrimAsciiSpace(question.substr(b + open.size(), e - b - open.size()));
      if (!inside.empty()) found.emplace_back(b, std::string(inside));
      at = e + close.size();
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& [at, phrase] : found) out.push_back(std::move(phrase));
  return out;
}

bool IsNamePhrase(std::string_view phrase) {
  if (ContainsCjk(phrase)) {
    std::size_t n = 0;
    for ([[maybe_unused]] const CodePoint& c : CodePoints(phrase)) ++n;
    return n <= 6;
  }
  std::size_t words = 0;
  bool in_word = false;
  for (const char c : phrase) {
    const bool blank = c == ' ' || c == '\t' || c == '\n';
    if (!blank && !in_word) ++words;
    in_word = !blank;
  }
  return words <= 3;
}

}  // namespace longforge::text
