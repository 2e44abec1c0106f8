#include "longforge/store/document_text.h"

#include <cstring>

#include "longforge/common/unicode.h"
#include "longforge/common/utf8.h"
#include "longforge/store/document_store.h"

namespace longforge::store {

std::string_view ForeignEncoding(std::string_view bytes) {
  // UTF-32 first: its little-endian mark starts like UTF-16's.
  if (bytes.starts_with(std::string_view("\xFF\xFE\0\0", 4))) return "UTF-32LE";
  if (bytes.starts_with(std::string_view("\0\0\xFE\xFF", 4))) return "UTF-32BE";
  if (bytes.starts_with("\xFF\xFE")) return "UTF-16LE";
  if (bytes.starts_with("\xFE\xFF")) return "UTF-16BE";
  return {};
}

std::string ForeignEncodingReason(std::string_view encoding) {
  return std::string(encoding) +
         " text (byte order mark at offset 0); longforge reads UTF-8 only: convert it, e.g. "
         "iconv -f " +
         std::string(encoding) + " -t UTF-8";
}

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
  if (const auto encoding = ForeignEncoding(bytes); !encoding.empty()) {
    return Error::DeadLetter(where + ": " + ForeignEncodingReason(encoding));
  }
  // A UTF-8 byte order mark marks the encoding, it is not text: kept, it would give the
  // same text read from a BOM-less copy another id, and end up in prompts and records.
  const std::size_t bom = bytes.starts_with(kUtf8Bom) ? kUtf8Bom.size() : 0;
  bytes.remove_prefix(bom);
  if (const void* nul = std::memchr(bytes.data(), '\0', bytes.size())) {
    const auto offset =
        bom + static_cast<std::size_t>(static_cast<const char*>(nul) - bytes.data());
    return Error::DeadLetter(where + ": NUL byte at offset " + std::to_string(offset) +
                             " (binary data, or UTF-16/32 text without a byte order mark?)");
  }
  if (const auto bad = FindInvalidUtf8(bytes)) {
    return Error::DeadLetter(where + ": invalid UTF-8 at byte offset " +
                             std::to_string(bom + *bad));
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
