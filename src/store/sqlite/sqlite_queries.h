#pragma once

// Read-side queries of the SQLite ledger (see ledger.h for the contracts of aggregate() and
// events()); SqliteLedger forwards to these.

#include <vector>

#include "core/result.h"
#include "store/ledger.h"
#include "store/sqlite/sqlite_db.h"

namespace tally::store {

Result<std::vector<AggregateRow>> query_aggregate(Database& db, const RecordFilter& filter,
                                                  const GroupBy& group);
Result<std::vector<UsageEvent>> query_events(Database& db, const RecordFilter& filter);

}  // namespace tally::store
