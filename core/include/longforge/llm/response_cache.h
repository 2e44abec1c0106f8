#pragma once
// A persistent LLM response cache: an embedded SQLite database keyed by (model,
// sampling parameters, hash of the messages). A re-run of the same input replays
// finished calls instead of paying for them again (DESIGN §4), which is how a
// one-machine run resumes after a crash.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/llm/chat.h"
#include "longforge/llm/sqlite_handles.h"

namespace longforge::llm {

struct CacheKey {
  std::string model;   // the effective model
  std::string params;  // canonical JSON of temperature, max_tokens, stop
  std::string hash;    // XXH3-128 of the messages (roles and contents), 32 hex digits

  bool operator==(const CacheKey&) const = default;
};

// The key of `request` when sent to `model` (the request's own, or the client default).
// The call kind is not part of the key: the same prompt gets the same answer whatever
// the call is for.
CacheKey CacheKeyOf(const ChatRequest& request, const std::string& model);

// Thread-safe: one connection guarded by a mutex. Several processes may share one file
// (WAL mode, busy timeout).
class ResponseCache {
 public:
  // Opens or creates the database at `path` (its directory must exist). A path that
  // cannot be opened gives a kStop error naming it.
  static Result<std::unique_ptr<ResponseCache>> Open(const std::string& path);

  // The stored response (from_cache = true, attempts = 0), or nullopt on a miss.
  Result<std::optional<ChatResponse>> Lookup(const CacheKey& key);
  // Stores (or replaces) entries, all in one transaction: one commit for many writes.
  Status Store(const std::vector<std::pair<CacheKey, ChatResponse>>& entries);

  const std::string& path() const { return path_; }

 private:
  ResponseCache(std::string path, SqliteDb db);
  Status Prepare();
  Error SqlError(const std::string& what) const;  // caller holds mu_

  const std::string path_;
  std::mutex mu_;
  SqliteDb db_;  // guarded by mu_, like the statements below
  SqliteStmt select_;
  SqliteStmt insert_;
  SqliteStmt begin_;
  SqliteStmt commit_;
  SqliteStmt rollback_;
};

}  // namespace longforge::llm
