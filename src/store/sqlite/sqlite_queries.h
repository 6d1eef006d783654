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
Result<std::vector<TimeMs>> query_active_buckets(Database& db, std::optional<TimeMs> since);
Result<std::vector<TreeCost>> query_session_tree_costs(Database& db, Agent agent,
                                                       const std::string& root_session);

}  // namespace tally::store
