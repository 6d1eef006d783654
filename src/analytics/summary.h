#pragma once

// The view `tally` prints with no subcommand: what was spent today, yesterday, and over
// the last 7 and 30 days, and where it went (top models and projects of the last 30 days).

#include <vector>

#include "analytics/report.h"
#include "analytics/rollup.h"
#include "core/result.h"
#include "core/time.h"
#include "store/ledger.h"

namespace tally::analytics {

struct Summary {
  Report periods;   // rows keyed by "period": today, yesterday, last 7 days, last 30 days
  Report models;    // top models, last 30 days
  Report projects;  // top projects, last 30 days
};

// Builds the summary as of `now` in `zone`, restricted by `query`'s agent/project filters
// (its dates are ignored). `top` limits the model and project lists.
Result<Summary> build_summary(store::Ledger& ledger, const ReportQuery& query, const Zone& zone,
                              TimeMs now, size_t top = 5);

}  // namespace tally::analytics
