// `tally blocks`: 5-hour blocks with their burn rate and projection (analytics/blocks.h).

#include <fmt/format.h>

#include "render/grid.h"
#include "render/views.h"

namespace tally::render {
namespace {

GridCell optional_number(const std::optional<double>& v) {
  return v ? rounded_count_cell(*v) : null_cell();
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
                  {"tokens_per_minute", "Tokens/min", CellType::number},
                  {"usd_per_hour", "$/h", CellType::number},
                  {"projected_tokens", "Projected tokens", CellType::number},
                  {"projected_usd", "Projected $", CellType::number}};
  std::int64_t unpriced = 0;
  for (const analytics::Block& b : blocks) {
    std::string models;
    for (const std::string& m : b.models) {
      models += (models.empty() ? "" : ", ") + m;
    }
    auto time = [&](TimeMs t) { return GridCell{format_local_time(t, zone), format_iso8601(t)}; };
    unpriced += b.unpriced_requests;
    grid.rows.push_back({time(b.start), time(b.end), time(b.first_ts), time(b.last_ts),
                         GridCell{b.active ? "ACTIVE" : "", b.active ? "true" : "false"},
                         count_cell(b.requests), count_cell(b.tokens.total()), usd_cell(b.cost_usd),
                         text_cell(models), optional_number(b.tokens_per_minute),
                         b.cost_per_hour ? usd_cell(*b.cost_per_hour) : null_cell(),
                         optional_number(b.projected_tokens),
                         b.projected_cost_usd ? usd_cell(*b.projected_cost_usd) : null_cell()});
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
