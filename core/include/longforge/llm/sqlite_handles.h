#pragma once
// The one place SQLite handles are released (the SQLite twin of common/handles.h):
// no sqlite3_close / sqlite3_finalize call appears anywhere else.

#include <sqlite3.h>

#include <memory>

namespace longforge::llm {

struct SqliteDeleter {
  // close_v2 defers the close until every statement is finalized, so member
  // destruction order cannot leak the connection.
  void operator()(sqlite3* p) const { sqlite3_close_v2(p); }
  void operator()(sqlite3_stmt* p) const { sqlite3_finalize(p); }
};

using SqliteDb = std::unique_ptr<sqlite3, SqliteDeleter>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, SqliteDeleter>;

}  // namespace longforge::llm
