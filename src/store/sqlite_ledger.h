#pragma once

#include <memory>
#include <string>

#include "store/ledger.h"

namespace tally::store {

// Opens the SQLite ledger at `path` (":memory:" for tests), creating it and applying
// migrations as needed. Fails when the file cannot be created or written, or when it was
// written by a newer tally (a schema version this build does not know).
Result<std::unique_ptr<Ledger>> open_sqlite_ledger(const std::string& path);

}  // namespace tally::store
