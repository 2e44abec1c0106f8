#include "longforge/text/text_match.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <map>

#include "longforge/common/utf8.h"
#include "longforge/text/normalize.h"

namespace longforge::text {
namespace {

// Chinese and Japanese characters are tokens of their own: that text has no spaces.
// Korean is written with spaces, so Hangul syllables make words like Latin letters.
bool IsCharToken(char32_t c) {
  switch (CjkScriptOf(c)) {
    case CjkScript::kHan:
    case CjkScript::kKana:
      return true;
    case CjkScript::kHangul:
    case CjkScript::kNone:
      return false;
  }
  return false;
}

// Letters, digits and combining marks continue a word; everything else ends it.
bool IsWordChar(char32_t c) {
  const auto u = static_cast<UChar32>(c);
  return u_isalnum(u) || (U_GET_GC_MASK(u) & U_GC_M_MASK) != 0;
}

// Width then case: "Ｋａｒｌ" and "KARL" give "karl", "１８１７" gives "1817". Simple case
// folding is enough for matching answers (full folding of "ß" to "ss" would only
// matter for German compounds).
void AppendFolded(std::string& out, char32_t c) { AppendUtf8(out, FoldCase(FoldWidth(c))); }

std::vector<std::string> WithoutArticles(std::vector<std::string> tokens) {
  std::erase_if(tokens, [](const std::string& t) { return t == "a" || t == "an" || t == "the"; });
  return tokens;
}

}  // namespace

std::vector<MatchToken> MatchTokenSpans(std::string_view text) {
  std::vector<MatchToken> tokens;
  MatchToken word;
  auto flush = [&] {
    if (!word.text.empty()) tokens.push_back(std::move(word));
    word = MatchToken{};
  };
  for (const CodePoint& cp : CodePoints(text)) {
    const char32_t c = cp.value;
    if (!cp.valid) {
      flush();
    } else if (IsCharToken(c)) {
      flush();
      word.begin = cp.offset;
      AppendFolded(word.text, c);
      word.end = cp.end();
      flush();
    } else if (IsWordChar(c)) {
      if (word.text.empty()) word.begin = cp.offset;
      AppendFolded(word.text, c);
      word.end = cp.end();
    } else {
      flush();
    }
  }
  flush();
  return tokens;
}

std::vector<std::string> MatchTokens(std::string_view text) {
  std::vector<std::string> tokens;
  for (auto& t : MatchTokenSpans(text)) tokens.push_back(std::move(t.text));
  return tokens;
}

std::string NormalizeAnswer(std::string_view text) {
  std::string out;
  for (const auto& token : WithoutArticles(MatchTokens(text))) {
    if (!out.empty()) out += ' ';
    out += token;
  }
  return out;
}

double TokenF1(std::string_view answer, std::string_view reference) {
  const auto a = WithoutArticles(MatchTokens(answer));
  const auto r = WithoutArticles(MatchTokens(reference));
  if (a.empty() && r.empty()) return 1.0;
  if (a.empty() || r.empty()) return 0.0;
  std::map<std::string_view, int> counts;
  for (const auto& t : r) ++counts[t];
  std::size_t common = 0;
  for (const auto& t : a) {
    auto it = counts.find(t);
    if (it != counts.end() && it->second > 0) {
      --it->second;
      ++common;
    }
  }
  if (common == 0) return 0.0;
  const double precision = static_cast<double>(common) / static_cast<double>(a.size());
  const double recall = static_cast<double>(common) / static_cast<double>(r.size());
  return 2 * precision * recall / (precision + recall);
}

double RougeLRecall(const std::vector<std::string>& answer, const std::vector<std::string>& text) {
  if (answer.empty()) return 1.0;
  if (text.empty()) return 0.0;
  // Rolling row over the text: row[j] = LCS of the answer prefix and text[0, j).
  std::vector<uint32_t> row(text.size() + 1, 0);
  for (const auto& a : answer) {
    uint32_t diagonal = 0;
    for (std::size_t j = 1; j <= text.size(); ++j) {
      const uint32_t above = row[j];
      row[j] = a == text[j - 1] ? diagonal + 1 : std::max(row[j], row[j - 1]);
      diagonal = above;
    }
  }
  return static_cast<double>(row.back()) / static_cast<double>(answer.size());
}

std::size_t CountLetters(std::string_view text) {
  std::size_t letters = 0;
  for (const CodePoint& c : CodePoints(text)) {
    letters += c.valid && u_isalpha(static_cast<UChar32>(c.value));
  }
  return letters;
}

bool ContainsReference(std::string_view answer, std::string_view reference) {
  const std::string r = NormalizeAnswer(reference);
  if (r.empty()) return false;
  return (" " + NormalizeAnswer(answer) + " ").find(" " + r + " ") != std::string::npos;
}

}  // namespace longforge::text
