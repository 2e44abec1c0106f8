#include "longforge/llm/response_cache.h"

#include "longforge/common/hash.h"

#include <chrono>
#include <cstring>

#include <nlohmann/json.hpp>

namespace longforge::llm {
namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS llm_responses ("
    "  model TEXT NOT NULL,"
    "  params TEXT NOT NULL,"
    "  messages_hash TEXT NOT NULL,"
    "  content TEXT NOT NULL,"
    "  response_model TEXT NOT NULL,"
    "  prompt_tokens INTEGER NOT NULL,"
    "  completion_tokens INTEGER NOT NULL,"
    "  created_unix INTEGER NOT NULL,"
    "  PRIMARY KEY (model, params, messages_hash)"
    ") WITHOUT ROWID";

// Length-prefixed, so ("ab","c") and ("a","bc") cannot collide by concatenation.
void AppendField(std::string& out, const std::string& field) {
  const std::uint64_t size = field.size();
  char bytes[sizeof size];
  std::memcpy(bytes, &size, sizeof size);
  out.append(bytes, sizeof bytes);
  out += field;
}

std::string ColumnText(sqlite3_stmt* stmt, int column) {
  const auto* text = sqlite3_column_text(stmt, column);
  if (text == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt, column));
}

}  // namespace

CacheKey CacheKeyOf(const ChatRequest& request, const std::string& model) {
  CacheKey key;
  key.model = model;
  // nlohmann::json keeps object keys sorted, so the dump is canonical.
  key.params = nlohmann::json{{"temperature", request.temperature},
                              {"max_tokens", request.max_tokens},
                              {"stop", request.stop}}
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string flat;
  for (const ChatMessage& m : request.messages) {
    AppendField(flat, m.role);
    AppendField(flat, m.content);
  }
  key.hash = Hash128Hex(flat);
  return key;
}

Result<std::unique_ptr<ResponseCache>> ResponseCache::Open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteDb db(raw);  // owned even on failure: SQLite allocates a handle to report the error
  if (rc != SQLITE_OK) {
    return Error::Stop("cannot open LLM response cache \"" + path +
                       "\": " + (db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc)));
  }
  std::unique_ptr<ResponseCache> cache(new ResponseCache(path, std::move(db)));
  if (Status prepared = cache->Prepare(); !prepared.ok()) return prepared.error();
  return cache;
}

ResponseCache::ResponseCache(std::string path, SqliteDb db)
    : path_(std::move(path)), db_(std::move(db)) {}

Error ResponseCache::SqlError(const std::string& what) const {
  return Error::Stop("LLM response cache \"" + path_ + "\": " + what + ": " +
                     sqlite3_errmsg(db_.get()));
}

Status ResponseCache::Prepare() {
  std::lock_guard lock(mu_);
  // The busy timeout lets several worker processes share one file; WAL lets readers
  // proceed during a write; NORMAL sync in WAL mode is durable across process crashes,
  // which is what resuming needs, without an fsync per commit.
  for (const char* sql : {"PRAGMA busy_timeout = 5000", "PRAGMA journal_mode = WAL",
                          "PRAGMA synchronous = NORMAL", kSchema}) {
    if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return SqlError(std::string("cannot initialise (") + sql + ")");
    }
  }
  const std::pair<SqliteStmt*, const char*> statements[] = {
      {&select_,
       "SELECT content, response_model, prompt_tokens, completion_tokens FROM llm_responses "
       "WHERE model = ?1 AND params = ?2 AND messages_hash = ?3"},
      {&insert_,
       "INSERT OR REPLACE INTO llm_responses (model, params, messages_hash, content, "
       "response_model, prompt_tokens, completion_tokens, created_unix) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
      {&begin_, "BEGIN IMMEDIATE"},
      {&commit_, "COMMIT"},
      {&rollback_, "ROLLBACK"},
  };
  for (const auto& [stmt, sql] : statements) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql, -1, &raw, nullptr) != SQLITE_OK) {
      return SqlError("cannot prepare statement");
    }
    stmt->reset(raw);
  }
  return Status::Ok();
}

namespace {

void BindKey(sqlite3_stmt* stmt, const CacheKey& key) {
  sqlite3_bind_text(stmt, 1, key.model.data(), static_cast<int>(key.model.size()), SQLITE_STATIC);
  sqlite3_bind_text(stmt, 2, key.params.data(), static_cast<int>(key.params.size()), SQLITE_STATIC);
  sqlite3_bind_text(stmt, 3, key.hash.data(), static_cast<int>(key.hash.size()), SQLITE_STATIC);
}

}  // namespace

Result<std::optional<ChatResponse>> ResponseCache::Lookup(const CacheKey& key) {
  std::lock_guard lock(mu_);
  sqlite3_stmt* stmt = select_.get();
  BindKey(stmt, key);
  const int rc = sqlite3_step(stmt);
  std::optional<ChatResponse> found;
  if (rc == SQLITE_ROW) {
    ChatResponse response;
    response.content = ColumnText(stmt, 0);
    response.model = ColumnText(stmt, 1);
    response.prompt_tokens = sqlite3_column_int(stmt, 2);
    response.completion_tokens = sqlite3_column_int(stmt, 3);
    response.from_cache = true;
    found = std::move(response);
  }
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqlError("lookup failed");
  return found;
}

Status ResponseCache::Store(const std::vector<std::pair<CacheKey, ChatResponse>>& entries) {
  if (entries.empty()) return Status::Ok();
  std::lock_guard lock(mu_);
  const auto step = [](sqlite3_stmt* stmt) {
    const int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE;
  };
  if (!step(begin_.get())) return SqlError("cannot begin a transaction");
  const long long now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  sqlite3_stmt* stmt = insert_.get();
  for (const auto& [key, response] : entries) {
    BindKey(stmt, key);
    sqlite3_bind_text(stmt, 4, response.content.data(), static_cast<int>(response.content.size()),
                      SQLITE_STATIC);
    sqlite3_bind_text(stmt, 5, response.model.data(), static_cast<int>(response.model.size()),
                      SQLITE_STATIC);
    sqlite3_bind_int(stmt, 6, response.prompt_tokens);
    sqlite3_bind_int(stmt, 7, response.completion_tokens);
    sqlite3_bind_int64(stmt, 8, now);
    const bool ok = step(stmt);
    sqlite3_clear_bindings(stmt);
    if (!ok) {
      Error error = SqlError("cannot store a response");
      step(rollback_.get());
      return error;
    }
  }
  if (!step(commit_.get())) {
    Error error = SqlError("cannot commit");
    step(rollback_.get());
    return error;
  }
  return Status::Ok();
}

}  // namespace longforge::llm
