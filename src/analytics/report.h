#pragma once

// A report: what every command builds and every renderer prints. Pure data, so renderers
// are pure functions and golden tests are trivial.

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/usage.h"

namespace tally::analytics {

// Sums over a set of usage records.
struct Totals {
  std::int64_t requests = 0;
  // Of `requests`, those that ran in fast mode or at priority processing (in_fast_mode):
  // with standard_cost_usd, the fast-mode share of every report.
  std::int64_t fast_requests = 0;
  TokenCounts tokens;
  double cost_usd = 0;  // the priced part; unpriced records add 0
  // The same requests with fast-mode and priority-tier requests at standard rates: next to
  // cost_usd, what fast mode cost (equal when none ran fast).
  double standard_cost_usd = 0;
  // The weakest source in the set: unpriced > agent-reported > computed.
  CostSource cost_source = CostSource::computed;
  std::int64_t unpriced_requests = 0;
  std::int64_t reported_requests = 0;

  void add(const Totals& o);
};

// One agent and model's part of a report row (--breakdown): e.g. claude-opus-4-8's requests,
// tokens and cost on one day.
struct ModelShare {
  std::string agent;
  std::string model;  // "(unknown)" when the logs named none
  Totals totals;      // its cost_source marks it unpriced or agent-reported on its own
};

struct ReportRow {
  // Grouping keys in column order, e.g. {{"date", "2026-11-22"}} or
  // {{"session_id", "..."}, {"project", "/home/me/app"}}.
  std::vector<std::pair<std::string, std::string>> keys;
  // The agent(s) and model(s) in the row: one name, or a sorted comma-separated list when
  // the row spans several.
  std::string agent;
  std::string model;
  // build_report sums a row per agent and model first and adds the shares up in `breakdown`
  // order, so a breakdown adds up to its row exactly, to the last bit.
  Totals totals;
  // With Report::breakdown: the row split per agent and model, costliest first (then most
  // tokens, then by agent and model); empty otherwise.
  std::vector<ModelShare> breakdown = {};
};

struct Warning {
  std::string kind;     // "unpriced-model", "malformed-line", "unreadable-file", ...
  std::string message;  // one line, for people
  std::string file;     // "" when not about a file
  std::int64_t line = 0;
};

struct Report {
  std::string title;                   // "Daily usage", ...
  std::vector<std::string> key_names;  // the grouping keys every row has, in order
  // The keys a terminal table shows, in order (a subset of key_names); empty: all of them.
  // JSON and CSV always carry every key.
  std::vector<std::string> table_keys;
  std::vector<ReportRow> rows;
  Totals totals;
  // Tables print a TOTAL row unless the rows overlap (the summary's periods) and a sum
  // would mislead. JSON always carries `totals`.
  bool show_totals = true;
  // Rows carry their per-model shares (ReportRow::breakdown) and renderers print them under
  // each row: indented lines in a table and in HTML, a `breakdown` array in JSON, extra lines
  // with row_type "model" in CSV (render/report_fields.h).
  bool breakdown = false;
  std::vector<Warning> warnings;
  std::vector<std::string> notes;  // informational lines (e.g. "timezone: Europe/Berlin")
};

// Whether any of the requests in `t` ran fast or at priority (their standard cost differs).
// Inline, as Report is plain data that renderers use without linking analytics.
inline bool ran_fast(const Totals& t) {
  return std::fabs(t.standard_cost_usd - t.cost_usd) > 5e-7;
}

// Whether any row or breakdown line of `report` did: then every table format shows the
// standard-speed cost beside the cost ("At std speed").
inline bool any_ran_fast(const Report& report) {
  for (const ReportRow& row : report.rows) {
    if (ran_fast(row.totals)) {
      return true;
    }
    for (const ModelShare& share : row.breakdown) {
      if (ran_fast(share.totals)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace tally::analytics
