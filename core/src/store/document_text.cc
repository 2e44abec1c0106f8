#include "longforge/store/document_text.h"

#include <cstring>

#include "longforge/common/unicode.h"
#include "longforge/common/utf8.h"
#include "longforge/store/document_store.h"

namespace longforge::store {
namespace {

bool IsBlank(std::string_view text) {
  for (const char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') return false;
  }
  return true;
}

}  // namespace

Result<PreparedDocument> PrepareDocument(std::string_view bytes, const std::string& where,
                                         std::size_t max_bytes) {
  if (bytes.size() > max_bytes) {
    return Error::DeadLetter(where + ": " + std::to_string(bytes.size()) +
                             " bytes is over the limit of " + std::to_string(max_bytes) +
                             " (--max-document-bytes)");
  }
  if (const void* nul = std::memchr(bytes.data(), '\0', bytes.size())) {
    const auto offset = static_cast<const char*>(nul) - bytes.data();
    return Error::DeadLetter(where + ": NUL byte at offset " + std::to_string(offset) +
                             " (binary file?)");
  }
  if (const auto bad = FindInvalidUtf8(bytes)) {
    return Error::DeadLetter(where + ": invalid UTF-8 at byte offset " + std::to_string(*bad));
  }
  if (IsBlank(bytes)) {
    return Error::DeadLetter(where + (bytes.empty() ? ": empty document" : ": only whitespace"));
  }
  auto nfc = NormalizeNfc(bytes);
  if (!nfc) return Error::DeadLetter(where + ": " + nfc.error().message);
  PreparedDocument doc;
  doc.id = DocumentIdOf(*nfc);
  doc.text = std::move(nfc.value());
  return doc;
}

}  // namespace longforge::store
