#pragma once
// UTF-8 checks and the one decoder for untrusted input (files, Kafka payloads). Walking
// text code point by code point: longforge/text/normalize.h (CodePoints).

#include <cstddef>
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
CodePoint DecodeUtf8(std::string_view text, std::size_t offset);

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

}  // namespace longforge
