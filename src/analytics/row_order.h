#pragma once

// The order of a report's rows and how many are shown: `--sort cost --limit 10` finds the
// costliest sessions (models, projects, days) in any format. Totals always cover every row;
// a report cut short says so in a note.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "analytics/report.h"

namespace tally::analytics {

enum class RowOrder {
  built,     // the report's own order: by day, by first use
  cost,      // largest first; unpriced usage counts $0 (its rows are marked)
  tokens,    // TokenCounts::total(), largest first
  requests,  // largest first
};

// "date" (the report's own order), "cost", "tokens" or "requests"; nullopt otherwise.
std::optional<RowOrder> parse_row_order(std::string_view name);
// The names parse_row_order takes, for help and messages.
inline constexpr std::string_view kRowOrderNames = "cost, tokens, requests or date";

// Puts the rows of `report` in `order` (ties keep the report's own order) and keeps the
// first `limit` (all when 0). `noun` names the rows in the note ("sessions").
void order_rows(Report& report, RowOrder order, std::int64_t limit, std::string_view noun);

}  // namespace tally::analytics
