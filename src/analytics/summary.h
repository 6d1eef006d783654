#pragma once

// The view `tally` prints with no subcommand: what was spent today, yesterday, and over
// the last 24 h, 7 and 30 days, and where it went (top models and projects, a daily chart).
// With --since/--until it covers that range instead.
//
// Every period is an analytics::Period (period.h), the one definition every view and
// format shares: the terminal table, the JSON `periods` and `windows`, the CSV and the
// HTML cards are the same rows with the same bounds, so they agree to the cent. The top
// models and projects cover the summary's main period ("last 30 d", or the range), so
// their totals equal that row. The daily chart is made of calendar days and says so.

#include <optional>
#include <string>
#include <vector>

#include "analytics/period.h"
#include "analytics/report.h"
#include "analytics/rollup.h"
#include "core/result.h"
#include "core/time.h"
#include "store/ledger.h"

namespace tally::analytics {

// The last 24 h against the rolling 30 d and the 29 days before the last 24 h.
struct RollingSummary {
  Totals previous_29d;  // [now - 30 d, now - 24 h)
  // last 24 h / last 30 d and last 24 h / previous 29 d, by cost and by tokens; nullopt
  // when the denominator is 0.
  std::optional<double> share_of_30d_cost;
  std::optional<double> share_of_30d_tokens;
  std::optional<double> ratio_to_previous_29d_cost;
  std::optional<double> ratio_to_previous_29d_tokens;
};

// Month to date and where it is heading: the month so far plus the rest of the month at
// the pace of the last 7 days (rolling), a plain extrapolation a reader can redo by hand.
struct MonthProjection {
  Date first;               // the month's first day
  Date last;                // its last day
  Totals so_far;            // the "month to date" period
  double pace_usd_per_day = 0;  // "last 7 d" cost / 7
  double remaining_days = 0;    // from now to the end of the last day, fractional
  double projected_usd = 0;     // so_far.cost_usd + pace * remaining_days
  bool partial = false;  // unpriced requests in the month or the pace: both are floors
};

// Calendar days per model: the summary's bar chart.
struct DailyByModel {
  std::vector<Date> days;                   // consecutive local days, oldest first
  std::vector<std::string> models;          // by cost over the days, then tokens, descending
  std::vector<std::vector<Totals>> values;  // values[day][model]
  std::optional<size_t> peak_cost_day;      // index into days; nullopt when all are 0
  std::optional<size_t> peak_tokens_day;
  bool cut = false;  // the range had more days than the chart shows (the latest are kept)
};

// The most days the chart draws for a range; a longer range keeps its latest days.
inline constexpr long kMaxChartDays = 92;

struct Summary {
  TimeMs now = 0;
  bool range = false;       // built for a --since/--until range
  Period main;              // what models, projects and pricing warnings cover
  std::vector<Period> spans;  // periods.rows[i] covers spans[i]
  // Keys: period, since, until (ISO-8601 UTC, until exclusive). Rows overlap: no TOTAL.
  Report periods;
  Report models;    // top models over `main`
  Report projects;  // top projects over `main`
  std::optional<RollingSummary> rolling;  // nullopt for a range
  std::optional<MonthProjection> month;   // nullopt for a range
  DailyByModel daily;  // the 30 calendar days ending today, or the range's days
};

// Builds the summary as of `now` in `zone`, restricted by `query`'s agent/project filters;
// with query.since or query.until set, for that range of local days. `top` limits the
// model and project lists.
Result<Summary> build_summary(store::Ledger& ledger, const ReportQuery& query, const Zone& zone,
                              TimeMs now, size_t top = 5);

}  // namespace tally::analytics
