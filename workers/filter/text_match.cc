#include "workers/filter/text_match.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <map>

namespace longforge::workers {
namespace {

bool IsCharToken(UChar32 c) {
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &status);
  return U_SUCCESS(status) &&
         (script == USCRIPT_HAN || script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA);
}

// Letters, digits and combining marks continue a word; everything else ends it.
bool IsWordChar(UChar32 c) { return u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0; }

void AppendUtf8(std::string& out, UChar32 c) {
  char buf[U8_MAX_LENGTH];
  int32_t len = 0;
  UBool error = false;
  U8_APPEND(buf, len, U8_MAX_LENGTH, c, error);
  if (!error) out.append(buf, static_cast<std::size_t>(len));
}

// Simple case folding per code point: enough for matching answers (full folding of
// "ß" to "ss" would only matter for German compounds).
void AppendFolded(std::string& out, UChar32 c) {
  AppendUtf8(out, u_foldCase(c, U_FOLD_CASE_DEFAULT));
}

std::vector<std::string> WithoutArticles(std::vector<std::string> tokens) {
  std::erase_if(tokens, [](const std::string& t) { return t == "a" || t == "an" || t == "the"; });
  return tokens;
}

}  // namespace

std::vector<std::string> MatchTokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) tokens.push_back(std::move(word));
    word.clear();
  };
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    if (c < 0) {
      flush();
      continue;
    }
    if (IsCharToken(c)) {
      flush();
      AppendFolded(word, c);
      flush();
    } else if (IsWordChar(c)) {
      AppendFolded(word, c);
    } else {
      flush();
    }
  }
  flush();
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
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  std::size_t letters = 0;
  int32_t i = 0;
  while (i < length) {
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    if (c >= 0 && u_isalpha(c)) ++letters;
  }
  return letters;
}

bool ContainsReference(std::string_view answer, std::string_view reference) {
  const std::string r = NormalizeAnswer(reference);
  if (r.empty()) return false;
  return (" " + NormalizeAnswer(answer) + " ").find(" " + r + " ") != std::string::npos;
}

}  // namespace longforge::workers
