#pragma once
// The document store: immutable, content-addressed files under one directory
// (local, or a shared filesystem every worker mounts). Kafka messages carry keys
// into it, never large text (the claim-check pattern).

#include <memory>
#include <string>
#include <string_view>

#include "longforge/common/error.h"

namespace longforge::store {

// Thread-safe; several processes may write the same key at once (same bytes).
class DocumentStore {
 public:
  // Creates `dir` if needed. Error (kStop) names the directory.
  static Result<std::unique_ptr<DocumentStore>> Open(const std::string& dir);

  // Writes `bytes` under `key` atomically (temp file + rename) unless the key exists.
  // Keys are [A-Za-z0-9._-]+ (ids plus a suffix); anything else is a kDeadLetter error.
  Status Put(const std::string& key, std::string_view bytes);
  // The whole value. Error names the path: kDeadLetter when the key is invalid or the
  // value absent, kRetry when it exists but cannot be opened or read (permissions, I/O).
  Result<std::string> Get(const std::string& key) const;
  // Bytes [begin, end) of a value, read without loading the rest (a chunk of a book).
  // Errors as Get's, and kDeadLetter for a range past the end of the value.
  Result<std::string> GetRange(const std::string& key, uint64_t begin, uint64_t end) const;
  bool Contains(const std::string& key) const;
  std::string PathOf(const std::string& key) const;
  const std::string& dir() const { return dir_; }

  // Key of a document's text.
  static std::string TextKey(const std::string& doc_id) { return doc_id + ".txt"; }

 private:
  explicit DocumentStore(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

// Id of a document: Hash128Hex of its NFC-normalised text, so the same text ingested
// twice (from a file, JSONL or Kafka) gets the same id.
std::string DocumentIdOf(std::string_view normalized_text);

}  // namespace longforge::store
