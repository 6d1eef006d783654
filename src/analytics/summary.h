#pragma once

// The view `tally` prints with no subcommand: what was spent today, yesterday, and over
// the last 7 and 30 days, and where it went (top models and projects of the last 30 days).
//
// Two kinds of period, both kept:
// * Calendar periods (`periods`, the original JSON contract): local days in the zone;
//   "last 7 days" is today and the 6 days before it.
// * Rolling windows (`rolling`, windows.h): the last 24 h, 7 d, 30 d ending now, at the
//   15-minute precision of the ledger's rollup, and the last 24 h against the 30 days and
//   against the 29 days before it.
// "Today so far" is exact to the millisecond: today's start is a bucket boundary, and the
// ledger answers "yesterday until the same local clock time" (not on a boundary) from the
// records themselves.

#include <optional>
#include <string>
#include <vector>

#include "analytics/report.h"
#include "analytics/rollup.h"
#include "core/result.h"
#include "core/time.h"
#include "store/ledger.h"

namespace tally::analytics {

// The rolling windows and how the last 24 h compare.
struct RollingSummary {
  TimeMs since_24h = 0;
  TimeMs since_7d = 0;
  TimeMs since_30d = 0;
  Totals last_24h;
  Totals last_7d;
  Totals last_30d;
  Totals previous_29d;  // [since_30d, since_24h): the 30 days without the last 24 h
  // last_24h / last_30d and last_24h / previous_29d, by cost and by tokens; nullopt when
  // the denominator is 0.
  std::optional<double> share_of_30d_cost;
  std::optional<double> share_of_30d_tokens;
  std::optional<double> ratio_to_previous_29d_cost;
  std::optional<double> ratio_to_previous_29d_tokens;
};

// The last 30 local days, per model: the summary's bar chart.
struct DailyByModel {
  std::vector<Date> days;                   // 30 days, oldest first, ending today
  std::vector<std::string> models;          // by 30-day cost, then tokens, descending
  std::vector<std::vector<Totals>> values;  // values[day][model]
  std::optional<size_t> peak_cost_day;      // index into days; nullopt when all are 0
  std::optional<size_t> peak_tokens_day;
};

struct Summary {
  Report periods;   // rows keyed by "period": today, yesterday, last 7 days, last 30 days
  Report models;    // top models, last 30 days
  Report projects;  // top projects, last 30 days
  TimeMs now = 0;
  Totals today_so_far;         // [start of today, now]
  Totals yesterday_same_time;  // [start of yesterday, yesterday_until)
  TimeMs yesterday_until = 0;  // the same local clock time as now, yesterday
  RollingSummary rolling;
  DailyByModel daily;
};

// Builds the summary as of `now` in `zone`, restricted by `query`'s agent/project filters
// (its dates are ignored). `top` limits the model and project lists.
Result<Summary> build_summary(store::Ledger& ledger, const ReportQuery& query, const Zone& zone,
                              TimeMs now, size_t top = 5);

}  // namespace tally::analytics
