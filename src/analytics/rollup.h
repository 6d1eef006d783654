#pragma once

// Reports built from the ledger: usage grouped by day, week, month, session, model or
// project, with totals and the warnings that make a total honest (unpriced models,
// malformed lines, unreadable files).
//
// Days are calendar days in the user's zone. The ledger groups into 15-minute UTC buckets
// (fine enough for every zone offset in use, including +05:45), and this file maps buckets
// to local days, so a report never scans records twice and works for any zone.

#include <optional>
#include <string>
#include <vector>

#include "analytics/report.h"
#include "core/problem.h"
#include "core/result.h"
#include "core/time.h"
#include "store/ledger.h"

namespace tally::analytics {

enum class Grouping { day, week, month, session, model, project };

struct ReportQuery {
  std::optional<Date> since;  // inclusive, local day
  std::optional<Date> until;  // inclusive, local day
  std::optional<Agent> agent;
  std::string project;  // substring
  std::string session;  // id prefix
  // What-if: price fast and priority usage at standard rates (`--speed standard`).
  bool standard_speed = false;
  // Exact bounds in ms (a rolling window, analytics/period.h): when `exact` is set they
  // replace the local days above.
  bool exact = false;
  std::optional<TimeMs> since_ms;  // inclusive
  std::optional<TimeMs> until_ms;  // exclusive
  // Keep each row's per-model shares (ReportRow::breakdown, Report::breakdown). The rows are
  // the same either way: a row is always the sum of its shares.
  bool breakdown = false;
};

// A query as the user typed it (--since, --until, --agent, --project, --speed, --breakdown).
struct QueryText {
  std::string since;
  std::string until;
  std::string agent;
  std::string project;
  std::string speed;
  bool breakdown = false;
};

// Checks and reads `text`: days in every form parse_day takes (relative ones are checked
// here and resolved once the zone is known), an agent name in any case, "standard" as the
// only what-if speed. invalid_argument, saying what is wrong, otherwise.
Result<ReportQuery> parse_query(const QueryText& text);

// Converts the query's local days (or exact bounds) to a UTC filter in `zone`.
store::RecordFilter make_filter(const ReportQuery& query, const Zone& zone);

// Builds the report for `grouping`, with its pricing warnings (unpriced and agent-reported
// models among its rows). Rows are ordered by their keys (time ascending), except
// sessions (by last activity) and models/projects (by cost, then tokens, descending).
// With `query.breakdown`, every row also carries its shares per agent and model; they come
// from the same ledger query as the rows (grouped by local day, agent and model already).
Result<Report> build_report(store::Ledger& ledger, Grouping grouping, const ReportQuery& query,
                            const Zone& zone);

// Adds the warnings every report carries: stored malformed lines, `file_errors` from this
// run's ingest and, with `pricing` (for reports not made by build_report), unpriced and
// agent-reported models within `filter`.
Status add_warnings(store::Ledger& ledger, const store::RecordFilter& filter,
                    const std::vector<ParseProblem>& file_errors, Report& report,
                    bool pricing = true);

// Appends unpriced / agent-reported model warnings for `rows` (summed per agent and model).
void add_pricing_warnings(const std::vector<store::AggregateRow>& rows, Report& report);

// Turns one aggregate row into report totals; with `standard_speed`, its cost is the
// standard-speed what-if cost.
Totals totals_of(const store::AggregateRow& row, bool standard_speed = false);

}  // namespace tally::analytics
