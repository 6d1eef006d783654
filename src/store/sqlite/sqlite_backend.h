#pragma once

// The SQLite backend: a ledger in one file (":memory:" for tests).

#include <memory>
#include <string>

#include "store/backend.h"
#include "store/ledger.h"

namespace tally::store {

struct SqliteOptions {
  bool map_reads = false;  // read pages through a memory map (Database::open)
};

// Opens the SQLite store at `path`, creating it and applying migrations as needed. Fails
// when the file cannot be created or written, or when it was written by a newer tally (a
// schema version this build does not know).
Result<std::unique_ptr<Backend>> open_sqlite_backend(const std::string& path,
                                                     const SqliteOptions& options = {});

// The ledger (store/accountant.h's rules) over open_sqlite_backend(path).
Result<std::unique_ptr<Ledger>> open_sqlite_ledger(const std::string& path);

}  // namespace tally::store
