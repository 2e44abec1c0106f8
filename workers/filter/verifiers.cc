#include "workers/filter/verifiers.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "longforge/common/strings.h"
#include "longforge/text/mentions.h"
#include "longforge/text/normalize.h"
#include "longforge/text/outline.h"

namespace longforge::workers {
namespace {

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Digits at `at`, with commas between groups of three ("1,204"); the value and the end.
std::optional<std::pair<long long, std::size_t>> DigitsAt(std::string_view s, std::size_t at) {
  if (at > 0 && (IsDigit(s[at - 1]) || IsAsciiLetter(s[at - 1]))) return std::nullopt;
  long long value = 0;
  std::size_t i = at;
  std::size_t run = 0;
  while (i < s.size()) {
    if (IsDigit(s[i])) {
      if (value > 1'000'000'000'000LL) return std::nullopt;
      value = value * 10 + (s[i] - '0');
      ++run;
      ++i;
    } else if (s[i] == ',' && run > 0 && run <= 3 && i + 3 < s.size() && IsDigit(s[i + 1]) &&
               IsDigit(s[i + 2]) && IsDigit(s[i + 3]) &&
               (i + 4 >= s.size() || !IsDigit(s[i + 4]))) {
      // "1,204": the comma groups thousands; "3, 4" and "1,2" are lists.
      run = 0;
      ++i;
    } else {
      break;
    }
  }
  if (i == at) return std::nullopt;
  return std::make_pair(value, i);
}

constexpr std::array<std::string_view, 20> kUnits = {
    "zero",     "one",     "two",     "three",     "four",     "five",    "six",
    "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",  "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
constexpr std::array<std::string_view, 8> kTens = {"twenty", "thirty",  "forty",  "fifty",
                                                   "sixty",  "seventy", "eighty", "ninety"};

// The English word (ASCII letters) starting at `at`, lower-cased, when `at` starts one.
std::string_view WordAt(std::string_view s, std::size_t at, std::string& buffer) {
  if (at > 0 && IsAsciiLetter(s[at - 1])) return {};
  std::size_t e = at;
  while (e < s.size() && IsAsciiLetter(s[e])) ++e;
  buffer.assign(s.substr(at, e - at));
  for (auto& c : buffer) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return buffer;
}

std::optional<std::pair<long long, std::size_t>> WordsAt(std::string_view s, std::size_t at) {
  std::string buffer;
  const std::string_view word = WordAt(s, at, buffer);
  if (word.empty()) return std::nullopt;
  for (std::size_t u = 0; u < kUnits.size(); ++u) {
    if (word == kUnits[u]) return std::make_pair(static_cast<long long>(u), at + word.size());
  }
  for (std::size_t t = 0; t < kTens.size(); ++t) {
    if (word != kTens[t]) continue;
    long long value = 20 + 10 * static_cast<long long>(t);
    std::size_t end = at + word.size();
    // "forty-two", "forty two"
    if (end + 1 < s.size() && (s[end] == '-' || s[end] == ' ')) {
      std::string unit_buffer;
      const std::string_view unit = WordAt(s, end + 1, unit_buffer);
      for (std::size_t u = 1; u < 10; ++u) {
        if (unit == kUnits[u])
          return std::make_pair(value + static_cast<long long>(u), end + 1 + unit.size());
      }
    }
    return std::make_pair(value, end);
  }
  return std::nullopt;
}

// The value of a Chinese numeral character: 0–9 digits, or -10/-100/-1000 for the units.
int ChineseValue(char32_t c) {
  switch (c) {
    case U'零':
    case U'〇':
      return 0;
    case U'一':
      return 1;
    case U'二':
    case U'两':
      return 2;
    case U'三':
      return 3;
    case U'四':
      return 4;
    case U'五':
      return 5;
    case U'六':
      return 6;
    case U'七':
      return 7;
    case U'八':
      return 8;
    case U'九':
      return 9;
    case U'十':
      return -10;
    case U'百':
      return -100;
    case U'千':
      return -1000;
    default:
      return -1;
  }
}

// A run of Chinese numerals from `cps[i]` on (code points with their byte offsets).
std::optional<long long> ChineseRun(const std::vector<CodePoint>& cps, std::size_t i,
                                    std::size_t& next) {
  long long total = 0, digit = 0;
  bool any = false;
  std::size_t j = i;
  for (; j < cps.size(); ++j) {
    const int v = ChineseValue(cps[j].value);
    if (v == -1) break;
    any = true;
    if (v >= 0) {
      digit = v;
    } else {
      total += (digit == 0 ? 1 : digit) * -v;
      digit = 0;
    }
  }
  next = j;
  if (!any) return std::nullopt;
  return total + digit;
}

std::string FoldedLabel(std::string_view title) {
  return text::FoldForMatching(text::HeadingLabel(TrimAsciiSpace(title)));
}

}  // namespace

std::vector<char> OrderLetters(std::string_view answer) {
  std::vector<char> out;
  for (std::size_t i = 0; i < answer.size(); ++i) {
    const char c = answer[i];
    if (c < 'A' || c > 'H') continue;
    if (i > 0 && IsAsciiLetter(answer[i - 1])) continue;
    if (i + 1 < answer.size() && IsAsciiLetter(answer[i + 1])) continue;
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  }
  return out;
}

std::optional<long long> FirstNumber(std::string_view answer) {
  std::vector<CodePoint> cps;
  for (const CodePoint& c : text::CodePoints(answer)) cps.push_back(c);
  for (std::size_t k = 0; k < cps.size(); ++k) {
    const std::size_t at = cps[k].offset;
    if (cps[k].value < 0x80) {
      const char c = answer[at];
      if (IsDigit(c)) {
        if (auto d = DigitsAt(answer, at)) return d->first;
      } else if (IsAsciiLetter(c)) {
        if (auto w = WordsAt(answer, at)) {
          // A word number ends where the word ends ("one" in "someone" is not one).
          if (w->second >= answer.size() || !IsAsciiLetter(answer[w->second])) return w->first;
        }
      }
      continue;
    }
    std::size_t next = k;
    if (auto v = ChineseRun(cps, k, next)) {
      // "第三回" names a chapter, not a count.
      const bool ordinal = k > 0 && cps[k - 1].value == U'第';
      if (!ordinal) return v;
      k = next - 1;
    }
  }
  return std::nullopt;
}

bool NamesChapter(std::string_view answer, std::string_view chapter) {
  const std::string folded_answer = text::FoldForMatching(answer);
  const std::string folded_chapter = text::FoldForMatching(chapter);
  if (folded_chapter.empty()) return false;
  if (folded_answer.find(folded_chapter) != std::string::npos) return true;
  std::size_t from = 0;
  while (from <= chapter.size()) {
    std::size_t sep = chapter.find(" / ", from);
    if (sep == std::string_view::npos) sep = chapter.size();
    const std::string label = FoldedLabel(chapter.substr(from, sep - from));
    if (label.empty() || !text::Mentions(folded_answer, label)) return false;
    from = sep + 3;
  }
  return true;
}

bool IsKnownVerifier(std::string_view verifier) {
  return verifier == "order" || verifier == "number" || verifier == "exact";
}

std::optional<Verification> Verify(std::string_view verifier, std::string_view answer,
                                   std::string_view reference) {
  Verification v;
  if (verifier == "order") {
    const auto want = OrderLetters(reference);
    auto got = OrderLetters(answer);
    // Letters the question did not offer are not part of the order.
    std::erase_if(got,
                  [&](char c) { return std::find(want.begin(), want.end(), c) == want.end(); });
    v.passes = !want.empty() && got == want;
    if (!v.passes)
      v.why = "order " + std::string(got.begin(), got.end()) + ", not " +
              std::string(want.begin(), want.end());
    return v;
  }
  if (verifier == "number") {
    const auto want = FirstNumber(reference);
    const auto got = FirstNumber(answer);
    v.passes = want && got && *want == *got;
    if (!v.passes) {
      v.why = (got ? std::to_string(*got) : std::string("no number")) + ", not " +
              (want ? std::to_string(*want) : std::string(reference));
    }
    return v;
  }
  if (verifier == "exact") {
    v.passes = NamesChapter(answer, reference);
    if (!v.passes) v.why = "does not name " + std::string(reference);
    return v;
  }
  return std::nullopt;
}

}  // namespace longforge::workers
