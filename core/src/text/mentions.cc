#include "longforge/text/mentions.h"

#include <algorithm>
#include <utility>

#include "longforge/common/strings.h"
#include "longforge/text/normalize.h"
#include "longforge/text/pattern.h"

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
      const std::string_view inside =
          TrimAsciiSpace(question.substr(b + open.size(), e - b - open.size()));
      if (!inside.empty()) found.emplace_back(b, std::string(inside));
      at = e + close.size();
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& [at, phrase] : found) out.push_back(std::move(phrase));
  return out;
}

std::size_t CountCodePoints(std::string_view s) {
  std::size_t n = 0;
  for ([[maybe_unused]] const CodePoint& c : CodePoints(s)) ++n;
  return n;
}

std::size_t CountWords(std::string_view s) {
  std::size_t n = 0;
  bool in_word = false;
  for (const char c : s) {
    const bool blank = c == ' ' || c == '\t' || c == '\n';
    if (!blank && !in_word) ++n;
    in_word = !blank;
  }
  return n;
}

bool IsNamePhrase(std::string_view phrase) {
  return ContainsCjk(phrase) ? CountCodePoints(phrase) <= 6 : CountWords(phrase) <= 3;
}

namespace {

// What joins a label to its figure; the figure is group 1.
constexpr std::string_view kJoin =
    "(?::|：| was| were| is| of| totalled| totaled| reached| stood at|为|是|达)"
    " ?(?:\\$|£|€|¥)? ?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?![0-9.,]*[0-9])(?! "
    "?(?:million|billion|thousand|万|亿))";

std::optional<long long> WholeNumber(std::string_view digits) {
  long long v = 0;
  for (const char c : digits) {
    if (c == ',') continue;
    if (v > 100'000'000'000'000LL) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::optional<StatedFigure> FigureFor(std::string_view text, std::string_view label) {
  static const Pattern kAfter(std::string("^") + std::string(kJoin), Pattern::kAnchored);
  for (const std::size_t at : FindMentions(text, label)) {
    const auto m = kAfter.Find(text.substr(at + label.size()));
    if (!m || m->group.empty()) continue;
    if (const auto v = WholeNumber(m->group)) return StatedFigure{std::string(label), *v, at};
  }
  return std::nullopt;
}

std::vector<StatedFigure> StatedFigures(std::string_view text) {
  static const Pattern kLabel("(?<![A-Za-z])([A-Z][a-z]+(?: [a-z]+){0,2}|\\p{Han}{2,4})" +
                              std::string(kJoin));
  std::vector<StatedFigure> out;
  std::size_t from = 0;
  while (from < text.size()) {
    const auto m = kLabel.Find(text.substr(from));
    if (!m) break;
    const std::size_t at = from + m->begin;
    // Group 1 is the label; its figure is read again by the one rule FigureFor applies.
    const std::string label(m->group);
    if (auto f = FigureFor(text.substr(at, m->end - m->begin), label)) {
      f->at = at;
      out.push_back(std::move(*f));
    }
    from = from + std::max<std::size_t>(m->end, 1);
  }
  return out;
}

}  // namespace longforge::text
