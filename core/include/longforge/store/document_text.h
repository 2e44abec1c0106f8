#pragma once
// Turns untrusted bytes into a document: checked, NFC-normalised, identified.

#include <cstddef>
#include <string>
#include <string_view>

#include "longforge/common/error.h"

namespace longforge::store {

inline constexpr std::size_t kDefaultMaxDocumentBytes = 64u << 20;  // 64 MiB

struct PreparedDocument {
  std::string id;    // DocumentIdOf(text)
  std::string text;  // NFC-normalised
};

// kDeadLetter errors, each naming `where` (a path, "file:line", "topic[p]@offset")
// and the byte offset when one applies: invalid UTF-8, NUL bytes (binary data),
// empty or whitespace-only text, text over `max_bytes`.
Result<PreparedDocument> PrepareDocument(std::string_view bytes, const std::string& where,
                                         std::size_t max_bytes = kDefaultMaxDocumentBytes);

}  // namespace longforge::store
