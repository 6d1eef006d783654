#pragma once

// The data behind the HTML dashboard (`tally --format html`): pure data built from the
// ledger, drawn by render/dashboard_page.cc with render/svg_chart.h.
//
// * Daily cost stacked by model: one entry per local day of [first, last] (days without
//   usage too), one series per model. The most expensive
//   `top_models` models keep their own series; the rest fold into one series "other", so
//   every dollar of a day is in its bar. Unpriced records add $0 (the caller shows the
//   pricing warnings).
// * Cost by project over the summary's main period (analytics/period.h: "last 30 d" or
//   the range, so the chart and the table below it agree): the top `top_projects` by
//   cost, then one "other" entry for the rest (omitted when nothing is left over).
// * Concurrency: sessions in flight (analytics/concurrency.h) over the last
//   `timeline_days` days to `last`, as the peak count within each hour of the local clock. An hour
//   with any session in flight has a peak of at least 1.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "analytics/period.h"
#include "analytics/report.h"
#include "analytics/rollup.h"
#include "core/result.h"
#include "core/time.h"
#include "store/ledger.h"

namespace tally::analytics {

inline constexpr const char* kOtherSeries = "other";

struct DashboardOptions {
  std::size_t top_models = 7;
  std::size_t top_projects = 8;
  int timeline_days = 7;
  TimeMs idle_limit_ms = 15 * 60 * 1000;  // a longer gap splits a session (concurrency.h)
};

struct DailyModelCost {
  std::vector<Date> days;                // consecutive local days, oldest first
  std::vector<std::string> models;       // series, most expensive first; "other" last if any
  std::vector<std::vector<double>> usd;  // usd[day][model]
  // Requests with no price per day (their cost counts $0, so the day's bar is short), and
  // whether each series holds any: the chart marks both (issue 17).
  std::vector<std::int64_t> unpriced_requests;  // [day]
  std::vector<bool> unpriced_model;             // [model]
};

struct ProjectCost {
  std::string project;  // "" when the agent logged none; kOtherSeries for the fold
  double usd = 0;
  std::int64_t tokens = 0;
  bool other = false;  // the fold of every project past the top ones
};

struct HourPeak {
  TimeMs start = 0;  // the hour's start
  std::int64_t sessions = 0;
};

struct Dashboard {
  Date first_day;
  Date last_day;
  Totals totals;  // every record of the calendar days [first_day, last_day]
  DailyModelCost daily;
  std::vector<ProjectCost> projects;
  std::vector<HourPeak> hours;  // every hour of the timeline, oldest first
  std::int64_t peak_sessions = 0;
  int timeline_days = 0;     // as in the options
  TimeMs idle_limit_ms = 0;  // as in the options
};

// Builds the dashboard in `zone` for the local days [first, last] and the projects of
// `main`, restricted by `query`'s agent and project filters (its dates are ignored).
Result<Dashboard> build_dashboard(store::Ledger& ledger, const ReportQuery& query, const Zone& zone,
                                  const Date& first, const Date& last, const Period& main,
                                  const DashboardOptions& options = {});

}  // namespace tally::analytics
