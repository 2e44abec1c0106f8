#include "longforge/store/accept_document.h"

#include <cctype>

#include "longforge/common/hash.h"

namespace longforge::store {
namespace {

bool SafeIdByte(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

// A store error, its disposition kept, naming where the document came from.
Error Located(const std::string& where, Error e) {
  e.message = where + ": " + e.message;
  return e;
}

}  // namespace

std::string DocumentIdFrom(std::string_view given_id) {
  bool safe = given_id.size() <= kMaxGivenIdBytes && given_id.front() != '.';
  for (char c : given_id) safe = safe && SafeIdByte(c);
  if (safe) return std::string(given_id);
  const std::string suffix = "-" + Hash128Hex(given_id).substr(0, 16);
  std::string id(given_id.substr(0, kMaxGivenIdBytes - suffix.size()));
  for (char& c : id) {
    if (!SafeIdByte(c)) c = '_';
  }
  if (id.front() == '.') id.front() = '_';
  return id + suffix;
}

Result<PreparedDocument> AcceptDocument(DocumentStore& store, std::string_view raw,
                                        const std::string& where, std::string_view given_id,
                                        std::size_t max_bytes) {
  auto doc = PrepareDocument(raw, where, max_bytes);
  if (!doc) return doc.error();
  if (!given_id.empty()) {
    doc->id = DocumentIdFrom(given_id);
    // A content-hash id cannot name two texts; a given one can.
    if (const std::string key = DocumentStore::TextKey(doc->id); store.Contains(key)) {
      auto stored = store.Get(key);
      if (!stored) return Located(where, stored.error());
      if (*stored != doc->text) {
        return Error::DeadLetter(where + ": document id \"" + std::string(given_id) +
                                 "\" already names a different text in the store");
      }
    }
  }
  if (auto s = store.Put(DocumentStore::TextKey(doc->id), doc->text); !s) {
    return Located(where, s.error());
  }
  return doc;
}

}  // namespace longforge::store
