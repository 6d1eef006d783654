#pragma once

// The SQLite ledger's write transaction (Ledger::begin_write, LedgerWrite): file batches
// are applied as they arrive, under the write lock taken up front (BEGIN IMMEDIATE), and
// land together at commit(). Each batch's cursor is re-checked inside the transaction, so a
// batch another process already applied is dropped, not counted twice.

#include <memory>

#include "core/result.h"
#include "pricing/pricer.h"
#include "store/ledger.h"
#include "store/sqlite_db.h"

namespace tally::store {

// Begins a write transaction on `db`; records that come without a cost are priced with
// `pricer`. Both must outlive the returned write.
Result<std::unique_ptr<LedgerWrite>> begin_sqlite_write(Database& db,
                                                        const pricing::Pricer& pricer);

}  // namespace tally::store
