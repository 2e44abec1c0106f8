#pragma once
// UTF-8 checks and the one decoder for untrusted input (files, Kafka payloads). Walking
// text code point by code point: longforge/text/normalize.h (CodePoints).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace longforge {

// A code point read from UTF-8 and the bytes it came from.
struct CodePoint {
  char32_t value = 0;      // U+FFFD when !valid
  std::size_t offset = 0;  // of its first byte
  std::size_t size = 0;    // in bytes, 1..4
  bool valid = false;      // false: an ill-formed sequence, read as U+FFFD

  std::size_t end() const { return offset + size; }
};

// The code point whose first byte is text[offset]; precondition offset < text.size().
// An ill-formed sequence reads as U+FFFD spanning its maximal subpart (what
// ReplaceInvalidUtf8 replaces by one U+FFFD, and what ICU's U8_NEXT skips), so a walk
// always advances and splits bad bytes the same way every time.
inline CodePoint DecodeUtf8(std::string_view text, std::size_t offset);

// Length in bytes of the longest prefix of `text` that ends on a code-point boundary and
// is at most `max_bytes` long, so any byte string can be cut with it. Boundaries are
// those of DecodeUtf8: an ill-formed subpart is one code point. O(1).
std::size_t CodePointPrefix(std::string_view text, std::size_t max_bytes);

// Appends the UTF-8 encoding of `c`; a surrogate or a value above U+10FFFF as U+FFFD.
void AppendUtf8(std::string& out, char32_t c);

// Byte offset of the first byte that does not start a well-formed UTF-8 sequence
// (overlongs, surrogates and code points above U+10FFFF are ill-formed), or nullopt.
std::optional<std::size_t> FindInvalidUtf8(std::string_view text);

// Well-formed UTF-8 with every maximal ill-formed subsequence replaced by U+FFFD
// (Unicode "substitution of maximal subparts", what a browser's TextDecoder does).
std::string ReplaceInvalidUtf8(std::string_view text);

// Standard base64 (RFC 4648, with padding), for carrying arbitrary bytes in JSON.
std::string Base64Encode(std::string_view bytes);
// The inverse; nullopt on a malformed string.
std::optional<std::string> Base64Decode(std::string_view text);

// ---- Inline implementation: DecodeUtf8 runs on every character of every text walk.

namespace utf8_internal {

// The well-formed sequence starting at s[i]: its length (1..4), or 0 when ill-formed,
// in which case `subpart` is the length of the maximal ill-formed prefix (>= 1) that
// one U+FFFD replaces.
inline std::size_t SequenceAt(const std::uint8_t* s, std::size_t n, std::size_t i,
                              std::size_t& subpart) {
  const std::uint8_t c = s[i];
  if (c < 0x80) return 1;
  std::size_t need = 0;
  std::uint8_t lo = 0x80, hi = 0xBF;  // bounds of the first continuation byte
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    if (c == 0xE0) lo = 0xA0;  // no overlongs
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    subpart = 1;
    return 0;
  }
  std::size_t j = i + 1;
  for (std::size_t k = 0; k < need; ++k, ++j, lo = 0x80, hi = 0xBF) {
    if (j >= n || s[j] < lo || s[j] > hi) {
      subpart = j - i;
      return 0;
    }
  }
  return j - i;
}

}  // namespace utf8_internal

inline CodePoint DecodeUtf8(std::string_view text, std::size_t offset) {
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  std::size_t subpart = 0;
  const std::size_t len = utf8_internal::SequenceAt(s, text.size(), offset, subpart);
  if (len == 0) return CodePoint{0xFFFD, offset, subpart, false};
  // SequenceAt checked the lead and continuation bytes; only the payload bits remain.
  constexpr std::uint8_t kLeadBits[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
  char32_t c = s[offset] & kLeadBits[len];
  for (std::size_t k = 1; k < len; ++k) c = (c << 6) | (s[offset + k] & 0x3F);
  return CodePoint{c, offset, len, true};
}

}  // namespace longforge
