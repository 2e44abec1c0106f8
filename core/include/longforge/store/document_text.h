#pragma once
// Turns untrusted bytes into a document: checked, NFC-normalised, identified.

#include <cstddef>
#include <string>
#include <string_view>

#include "longforge/common/error.h"

namespace longforge::store {

inline constexpr std::size_t kDefaultMaxDocumentBytes = 64u << 20;  // 64 MiB
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

struct PreparedDocument {
  std::string id;    // DocumentIdOf(text)
  std::string text;  // NFC-normalised
};

// The encoding a UTF-16 or UTF-32 byte order mark at the start of `bytes` announces
// ("UTF-16LE", ...), or "" when there is none; and why such text is refused.
std::string_view ForeignEncoding(std::string_view bytes);
std::string ForeignEncodingReason(std::string_view encoding);

// kDeadLetter errors, each naming `where` (a path, "file:line", "topic[p]@offset")
// and the byte offset when one applies: text over `max_bytes`, a UTF-16 or UTF-32 byte
// order mark, NUL bytes (binary data), invalid UTF-8, empty or whitespace-only text.
// A leading UTF-8 byte order mark is dropped (offsets still count it).
Result<PreparedDocument> PrepareDocument(std::string_view bytes, const std::string& where,
                                         std::size_t max_bytes = kDefaultMaxDocumentBytes);

}  // namespace longforge::store
