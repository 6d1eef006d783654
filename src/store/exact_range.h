#pragma once

// Grouped sums over any time range, exact to the millisecond and still answered mostly by a
// backend's 15-minute rollup.
//
// A backend answers a range whose bounds fall on 15-minute buckets from its rollup, and any
// other range from its records (slow over weeks). aggregate_exact() splits a range with
// bounds off the grain into up to three parts: the ragged edges [since, ceil15(since)) and
// [floor15(until), until), at most 15 minutes each, read from the records, and the aligned
// middle, from the rollup. Rows of the parts with the same group key are merged (sums
// added, first/last times widened), so the result is what one exact query would give.
//
// With GroupBy::local_days, edge rows are merged into their local day (the grain the
// middle may already have); callers accept either grain (store/ledger.h). Rows come in the
// backend's order, merged rows where their key first appeared, then sorted by bucket when
// grouped by time. Queries by session read records anyway and go to the backend unsplit.
//
// Storage-neutral: every backend gets exact rolling windows from it.

#include <vector>

#include "core/result.h"
#include "store/backend.h"
#include "store/ledger.h"

namespace tally::store {

Result<std::vector<AggregateRow>> aggregate_exact(Backend& backend, const RecordFilter& filter,
                                                  const GroupBy& group);

}  // namespace tally::store
