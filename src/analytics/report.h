#pragma once

// A report: what every command builds and every renderer prints. Pure data, so renderers
// are pure functions and golden tests are trivial.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/usage.h"

namespace tally::analytics {

// Sums over a set of usage records.
struct Totals {
  std::int64_t requests = 0;
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

struct ReportRow {
  // Grouping keys in column order, e.g. {{"date", "2026-11-22"}} or
  // {{"session_id", "..."}, {"project", "/home/me/app"}}.
  std::vector<std::pair<std::string, std::string>> keys;
  // The agent(s) and model(s) in the row: one name, or a sorted comma-separated list when
  // the row spans several.
  std::string agent;
  std::string model;
  Totals totals;
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
  std::vector<Warning> warnings;
  std::vector<std::string> notes;  // informational lines (e.g. "timezone: Europe/Berlin")
};

}  // namespace tally::analytics
