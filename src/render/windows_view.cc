// `tally windows`: rolling windows ending now, each next to the window of the same length
// before it and against the widest window listed (analytics/windows.h computes them).

#include "render/grid.h"
#include "render/views.h"

namespace tally::render {
namespace {

Grid windows_grid(const std::vector<analytics::WindowTotals>& windows, const Zone& zone) {
  Grid grid;
  grid.title = "Rolling windows";
  grid.columns = {{"window", "Window", CellType::string},
                  {"duration_minutes", "Minutes", CellType::integer, false},
                  {"since", "From", CellType::string},
                  {"until", "Until", CellType::string, false},
                  {"requests", "Requests", CellType::integer},
                  {"input_tokens", "Input", CellType::integer, false},
                  {"cache_read_tokens", "Cache read", CellType::integer, false},
                  {"cache_write_tokens", "Cache write", CellType::integer, false},
                  {"output_tokens", "Output", CellType::integer, false},
                  {"total_tokens", "Tokens", CellType::integer},
                  {"cost_usd", "Cost (USD)", CellType::number},
                  {"cost_source", "Priced", CellType::string, false},
                  {"share_of_widest_cost", "Share", CellType::number},
                  {"share_of_widest_tokens", "Token share", CellType::number, false},
                  {"previous_since", "Previous since", CellType::string, false},
                  {"previous_requests", "Previous requests", CellType::integer, false},
                  {"previous_total_tokens", "Previous tokens", CellType::integer, false},
                  {"previous_cost_usd", "Previous", CellType::number},
                  {"vs_previous_cost", "vs prev.", CellType::number},
                  {"vs_previous_tokens", "Tokens vs previous", CellType::number, false}};
  const analytics::WindowTotals* widest = nullptr;
  for (const analytics::WindowTotals& w : windows) {
    if (widest == nullptr || w.spec.duration > widest->spec.duration) {
      widest = &w;
    }
  }
  // The table: a short local time (80 columns); JSON and CSV: ISO-8601 UTC.
  auto time = [&](TimeMs t) {
    return GridCell{short_time_cell(t, zone).text, format_iso8601(t)};
  };
  const auto tokens = [](const analytics::Totals& t) {
    return static_cast<double>(t.tokens.total());
  };
  for (const analytics::WindowTotals& w : windows) {
    const analytics::Totals& t = w.totals;
    const analytics::Totals& p = w.previous;
    grid.rows.push_back({text_cell(w.spec.label),
                         count_cell(w.spec.duration / 60000),
                         time(w.since),
                         time(w.until),
                         count_cell(t.requests),
                         count_cell(t.tokens.input),
                         count_cell(t.tokens.cache_read),
                         count_cell(t.tokens.cache_write),
                         count_cell(t.tokens.output),
                         count_cell(t.tokens.total()),
                         marked_usd_cell(t),
                         text_cell(cost_source_name(t.cost_source)),
                         ratio_cell(t.cost_usd, widest->totals.cost_usd),
                         ratio_cell(tokens(t), tokens(widest->totals)),
                         time(w.since - w.spec.duration),
                         count_cell(p.requests),
                         count_cell(p.tokens.total()),
                         marked_usd_cell(p),
                         ratio_cell(t.cost_usd, p.cost_usd),
                         ratio_cell(tokens(t), tokens(p))});
  }
  return grid;
}

}  // namespace

std::string render_windows(const std::vector<analytics::WindowTotals>& windows, TimeMs now,
                           const Zone& zone, Format format, const RenderOptions& options) {
  const Grid grid = windows_grid(windows, zone);
  return render_grid_view(grid, "windows", now, zone, format, options,
                          "; windows are exact to the millisecond");
}

}  // namespace tally::render
