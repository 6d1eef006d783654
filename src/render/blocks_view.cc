// `tally blocks`: 5-hour blocks with their burn rate and projection (analytics/blocks.h).

#include <fmt/format.h>

#include "render/grid.h"
#include "render/number_format.h"
#include "render/views.h"

namespace tally::render {
namespace {

GridCell optional_number(const std::optional<double>& v) {
  return v ? rounded_count_cell(*v) : null_cell();
}

// The projection as the table shows it, "$12.00–$30.00" (JSON: the high end; the low end
// has its own field).
GridCell projected_range(const analytics::Block& b) {
  if (!b.projected_cost_usd) {
    return null_cell();
  }
  GridCell cell = usd_cell(*b.projected_cost_usd);
  if (b.projected_cost_low_usd) {
    cell.text = format_usd(*b.projected_cost_low_usd) + "\u2013" + cell.text;
  }
  return cell;
}

Grid blocks_grid(const std::vector<analytics::Block>& blocks, const Zone& zone) {
  Grid grid;
  grid.title = "5-hour blocks";
  grid.empty_text = "no blocks in this range";
  grid.columns = {{"start", "Start", CellType::string},
                  {"end", "End", CellType::string, false},
                  {"first", "First", CellType::string, false},
                  {"last", "Last", CellType::string},
                  {"active", "Active", CellType::boolean},
                  {"requests", "Requests", CellType::integer},
                  {"total_tokens", "Tokens", CellType::integer},
                  {"cost_usd", "Cost (USD)", CellType::number},
                  {"models", "Models", CellType::string, false},
                  {"tokens_per_minute", "Tokens/min", CellType::number, false},
                  {"usd_per_hour", "$/h", CellType::number},
                  {"projected_tokens", "Projected tokens", CellType::number, false},
                  {"projected_tokens_low", "Projected tokens, low", CellType::number, false},
                  {"projected_usd_low", "Projected $, low", CellType::number, false},
                  {"projected_usd", "Projected $", CellType::number},
                  {"too_early", "Too early", CellType::boolean, false}};
  std::int64_t unpriced = 0;
  bool too_early = false;
  for (const analytics::Block& b : blocks) {
    too_early = too_early || b.too_early;
    std::string models;
    for (const std::string& m : b.models) {
      models += (models.empty() ? "" : ", ") + m;
    }
    // The table: "10-24 14:00" and, for the last record, its clock time alone (80 columns);
    // JSON and CSV: ISO-8601 UTC.
    auto time = [&](TimeMs t) { return GridCell{short_time_cell(t, zone).text, format_iso8601(t)}; };
    auto clock = [&](TimeMs t) {
      return GridCell{short_time_cell(t, zone).text.substr(6), format_iso8601(t)};
    };
    unpriced += b.unpriced_requests;
    grid.rows.push_back({time(b.start), time(b.end), time(b.first_ts), clock(b.last_ts),
                         GridCell{b.active ? "ACTIVE" : "", b.active ? "true" : "false"},
                         count_cell(b.requests), count_cell(b.tokens.total()), usd_cell(b.cost_usd),
                         text_cell(models), optional_number(b.tokens_per_minute),
                         b.cost_per_hour ? usd_cell(*b.cost_per_hour)
                         : b.too_early   ? GridCell{"too early", ""}
                                         : null_cell(),
                         optional_number(b.projected_tokens),
                         optional_number(b.projected_tokens_low),
                         b.projected_cost_low_usd ? usd_cell(*b.projected_cost_low_usd)
                                                  : null_cell(),
                         projected_range(b),
                         GridCell{b.too_early ? "yes" : "", b.too_early ? "true" : "false"}});
  }
  if (too_early) {
    grid.notes.push_back(fmt::format(
        "too early: the active block has under {} minutes of records, too few for a rate",
        analytics::kMinRateSpanMs / 60000));
  }
  if (unpriced > 0) {
    grid.notes.push_back(
        fmt::format("{} unpriced request{} count as $0 in costs and $/h (see tally prices check)",
                    unpriced, unpriced == 1 ? "" : "s"));
  }
  return grid;
}

}  // namespace

std::string render_blocks(const std::vector<analytics::Block>& blocks, TimeMs now, const Zone& zone,
                          Format format, const RenderOptions& options) {
  const Grid grid = blocks_grid(blocks, zone);
  return render_grid_view(grid, "blocks", now, zone, format, options);
}

}  // namespace tally::render
