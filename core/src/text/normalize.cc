#include "longforge/text/normalize.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

namespace longforge::text {
namespace {

// The one loop behind every string fold: whitespace runs become what `runs` says (or
// stay as they are when `runs` is null), every other code point goes through `fold`.
// Ill-formed bytes and code points `fold` leaves alone are copied byte for byte;
// `origin`, when given, gets the source offset of every output byte.
template <typename Fold>
void FoldInto(std::string_view text, const Spaces* runs, Fold fold, std::string& out,
              std::vector<std::uint32_t>* origin) {
  out.reserve(text.size());
  if (origin != nullptr) origin->reserve(text.size());
  bool pending = false;  // a run of whitespace after some output
  for (const CodePoint& c : CodePoints(text)) {
    if (runs != nullptr && IsWhitespace(c.value)) {
      pending = !out.empty();
      continue;
    }
    if (pending && *runs == Spaces::kOne) {
      out += ' ';
      if (origin != nullptr) origin->push_back(static_cast<std::uint32_t>(c.offset));
    }
    pending = false;
    const char32_t folded = c.valid ? fold(c.value) : c.value;
    if (!c.valid || folded == c.value) {
      out.append(text.substr(c.offset, c.size));
      for (std::size_t k = 0; origin != nullptr && k < c.size; ++k) {
        origin->push_back(static_cast<std::uint32_t>(c.offset + k));
      }
    } else {
      const std::size_t before = out.size();
      AppendUtf8(out, folded);
      for (std::size_t k = before; origin != nullptr && k < out.size(); ++k) {
        origin->push_back(static_cast<std::uint32_t>(c.offset));
      }
    }
  }
}

char32_t Unchanged(char32_t c) { return c; }

}  // namespace

namespace internal {

char32_t FoldCaseByIcu(char32_t c) {
  return static_cast<char32_t>(u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT));
}

CjkScript CjkScriptByIcu(char32_t c) {
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(static_cast<UChar32>(c), &status);
  if (U_FAILURE(status)) return CjkScript::kNone;
  switch (script) {
    case USCRIPT_HAN:
      return CjkScript::kHan;
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
      return CjkScript::kKana;
    case USCRIPT_HANGUL:
      return CjkScript::kHangul;
    default:  // ICU's enum, not ours: hundreds of other scripts
      return CjkScript::kNone;
  }
}

}  // namespace internal

bool StartsWithWhitespace(std::string_view text) {
  return !text.empty() && IsWhitespace(CodePoints(text).begin()->value);
}

std::string_view TrimWhitespace(std::string_view text) {
  std::size_t begin = 0;
  for (const CodePoint& c : CodePoints(text)) {
    if (!IsWhitespace(c.value)) break;
    begin = c.end();
  }
  std::size_t end = text.size();
  while (end > begin) {
    if (static_cast<unsigned char>(text[end - 1]) < 0x80) {  // no walk back for ASCII
      if (!IsWhitespace(static_cast<unsigned char>(text[end - 1]))) break;
      --end;
      continue;
    }
    const std::size_t start = CodePointPrefix(text, end - 1);
    if (!IsWhitespace(DecodeUtf8(text, start).value)) break;
    end = start;
  }
  return text.substr(begin, end - begin);
}

std::string FoldWhitespace(std::string_view text, Spaces runs) {
  std::string out;
  FoldInto(text, &runs, Unchanged, out, nullptr);
  return out;
}

FoldedText FoldWhitespaceMapped(std::string_view text, Spaces runs) {
  FoldedText folded;
  FoldInto(text, &runs, Unchanged, folded.text, &folded.origin);
  return folded;
}

std::string FoldCase(std::string_view text) {
  std::string out;
  FoldInto(
      text, nullptr, [](char32_t c) { return FoldCase(c); }, out, nullptr);
  return out;
}

std::string FoldForMatching(std::string_view text) {
  std::string out;
  const Spaces one = Spaces::kOne;
  FoldInto(
      text, &one, [](char32_t c) { return FoldCase(FoldWidth(c)); }, out, nullptr);
  return out;
}

bool ContainsCjk(std::string_view text) {
  for (const CodePoint& c : CodePoints(text)) {
    if (IsCjk(c.value)) return true;
  }
  return false;
}

}  // namespace longforge::text
