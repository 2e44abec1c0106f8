#pragma once
// The text normalisation every stage shares, so that "the same text" means one thing
// from the chunker to the filter: code-point iteration over untrusted UTF-8, whitespace
// folding, width folding, case folding, and CJK detection. Validation, U+FFFD repair and
// the UTF-8 decoder and CodePointPrefix (cutting text) are in longforge/common/utf8.h;
// NFC is in common/unicode.h.
//
// Ill-formed UTF-8 is never an error here: it is read as U+FFFD per maximal ill-formed
// subpart (common/utf8.h, DecodeUtf8), and the string folds copy those bytes unchanged.
// All functions are pure and thread-safe. The per-code-point functions are inline for
// ASCII and the busiest CJK blocks (dedupe and answer matching call them on every
// character) and ask ICU only beyond those.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "longforge/common/utf8.h"

namespace longforge::text {

enum class CjkScript;

namespace internal {  // the out-of-line rest of the inline functions below
char32_t FoldCaseByIcu(char32_t c);
CjkScript CjkScriptByIcu(char32_t c);
}  // namespace internal

// ---- Code points ------------------------------------------------------------------

// Forward iterator over the code points of UTF-8 text; see CodePoints.
class CodePointIterator {
 public:
  using value_type = CodePoint;
  using difference_type = std::ptrdiff_t;

  CodePointIterator() = default;
  CodePointIterator(std::string_view text, std::size_t offset) : text_(text) { Read(offset); }

  const CodePoint& operator*() const { return at_; }
  const CodePoint* operator->() const { return &at_; }
  CodePointIterator& operator++() {
    Read(at_.end());
    return *this;
  }
  CodePointIterator operator++(int) {
    CodePointIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(std::default_sentinel_t) const { return at_.offset >= text_.size(); }
  bool operator==(const CodePointIterator& o) const { return at_.offset == o.at_.offset; }

 private:
  // Inline for ASCII, the common case in every caller's loop.
  void Read(std::size_t offset) {
    if (offset >= text_.size()) {
      at_ = CodePoint{0, offset, 0, true};
    } else if (const auto b = static_cast<unsigned char>(text_[offset]); b < 0x80) {
      at_ = CodePoint{b, offset, 1, true};
    } else {
      at_ = DecodeUtf8(text_, offset);
    }
  }

  std::string_view text_;
  CodePoint at_;
};

// The code points of `text` from byte `offset` on, for a range-for:
//   for (const CodePoint& c : CodePoints(text)) ...
// `text` must outlive the range.
class CodePoints {
 public:
  explicit CodePoints(std::string_view text, std::size_t offset = 0)
      : text_(text), offset_(offset) {}
  CodePointIterator begin() const { return {text_, offset_}; }
  std::default_sentinel_t end() const { return {}; }

 private:
  std::string_view text_;
  std::size_t offset_;
};

// ---- Whitespace -------------------------------------------------------------------

// Unicode White_Space (ASCII blanks and line breaks, NEL, NBSP, U+1680, U+2000..U+200A,
// U+2028, U+2029, U+202F, U+205F, U+3000) and U+FEFF, the byte-order mark, which turns
// up inside concatenated files and reads as nothing.
inline bool IsWhitespace(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= '\t' && c <= '\r');
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

// Whether `text` starts with a whitespace code point.
bool StartsWithWhitespace(std::string_view text);

// `text` without leading and trailing whitespace (a view into it).
std::string_view TrimWhitespace(std::string_view text);

// What a run of whitespace becomes when folded.
enum class Spaces {
  kOne,   // one ASCII space
  kNone,  // nothing: for scripts written without spaces, where a hard line break in the
          // middle of a sentence is an artefact
};

// `text` trimmed, with every inner run of whitespace (CRLF and U+3000 alike) replaced as
// `runs` says; nothing else changed.
std::string FoldWhitespace(std::string_view text, Spaces runs = Spaces::kOne);

// FoldWhitespace remembering where each byte came from, so that a match found in the
// folded text can be mapped back to the source bytes.
struct FoldedText {
  std::string text;
  // origin[i]: byte offset in the source of text[i]. A space that stands for a run maps
  // to the first byte after the run. Offsets are 32-bit: texts are chunks, not corpora.
  std::vector<std::uint32_t> origin;
};
FoldedText FoldWhitespaceMapped(std::string_view text, Spaces runs);

// ---- Width and case ---------------------------------------------------------------

// The full-width forms of ASCII (U+FF01..U+FF5E: "１２３", "ＡＢＣ", "？") and U+3000 to
// their ASCII counterparts, as NFKC maps them; every other code point unchanged. Not all
// of NFKC: it would also rewrite "²", "①", "ﬁ" and half-width kana (merging them with
// their voicing marks), changing text a reader sees as different.
inline char32_t FoldWidth(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) return c - 0xFF01 + 0x21;
  return c == 0x3000 ? U' ' : c;
}

// Unicode simple case folding (ICU u_foldCase, default mappings): one code point to one,
// so "Σ", "σ" and "ς" all become "σ", "É" becomes "é", while "ß" stays "ß" (full folding
// would give "ss" and change the length of words).
inline char32_t FoldCase(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
  // CJK radicals to Yi, and Hangul syllables: no case, and most text beyond ASCII.
  if ((c >= 0x2E80 && c < 0xA640) || (c >= 0xAC00 && c < 0xD800)) return c;
  return internal::FoldCaseByIcu(c);
}

// FoldCase of every code point of `text`.
std::string FoldCase(std::string_view text);

// The form texts are compared in when spacing, width and case must not matter:
// FoldWhitespace (kOne), then FoldWidth and FoldCase of every code point.
// "  ＡＢＣ\u00a0Straße " -> "abc straße".
std::string FoldForMatching(std::string_view text);

// ---- CJK --------------------------------------------------------------------------

// The CJK script a code point is written in, by its Unicode Script property (ICU).
enum class CjkScript {
  kNone,    // any other script, and CJK punctuation and symbols (Script=Common: 。、ー)
  kHan,     // hanzi, kanji, hanja
  kKana,    // hiragana and katakana
  kHangul,  // Korean syllables and jamo
};
inline CjkScript CjkScriptOf(char32_t c) {
  if (c < 0x1100) return CjkScript::kNone;  // below Hangul Jamo: no CJK letters
  // The blocks of nearly all CJK text, where the script is known without ICU (the unit
  // test checks every code point against ICU).
  if (c >= 0x4E00 && c <= 0x9FFF) return CjkScript::kHan;
  if (c >= 0xAC00 && c <= 0xD7A3) return CjkScript::kHangul;
  if ((c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30FA)) return CjkScript::kKana;
  return internal::CjkScriptByIcu(c);
}

// CjkScriptOf(c) != kNone: Chinese, Japanese and Korean letters, which stages that
// split text into words treat one character at a time.
inline bool IsCjk(char32_t c) { return CjkScriptOf(c) != CjkScript::kNone; }

// Whether any code point of `text` IsCjk.
bool ContainsCjk(std::string_view text);

}  // namespace longforge::text
