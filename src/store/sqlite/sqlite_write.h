#pragma once

// The SQLite backend's write transaction (store/backend.h BackendWrite): BEGIN IMMEDIATE
// takes the write lock up front, so two tally processes (a statusline and a report, say)
// queue on the busy timeout instead of failing mid-transaction; statements are prepared
// once per connection and reused for a whole ingest (leveldb's db_bench_sqlite3 advice).

#include <memory>

#include "core/result.h"
#include "store/backend.h"
#include "store/sqlite/sqlite_db.h"

namespace tally::store {

// Begins a write transaction on `db`, which must outlive it.
Result<std::unique_ptr<BackendWrite>> begin_sqlite_write(Database& db);

}  // namespace tally::store
