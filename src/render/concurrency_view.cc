// `tally concurrency`: sessions in flight per day, per project and the busiest hours, or
// the step function itself (--timeline); the definitions are analytics/concurrency.h.

#include <fmt/format.h>

#include "render/grid.h"
#include "render/json_writer.h"
#include "render/views.h"

namespace tally::render {
namespace {

Grid rows_grid(std::string title, std::string key, std::string header,
               const std::vector<analytics::ConcurrencyRow>& rows) {
  Grid grid;
  grid.title = std::move(title);
  grid.columns = {{std::move(key), std::move(header), CellType::string},
                  {"sessions", "Sessions", CellType::integer},
                  {"max_in_flight", "Max in flight", CellType::integer},
                  {"mean_in_flight", "Mean in flight", CellType::number},
                  {"active_hours", "Active hours", CellType::number},
                  {"session_hours", "Session hours", CellType::number}};
  for (const analytics::ConcurrencyRow& r : rows) {
    grid.rows.push_back({text_cell(r.label), count_cell(r.sessions), count_cell(r.max_in_flight),
                         number_cell(r.mean_in_flight, 2), number_cell(r.active_hours, 2),
                         number_cell(r.session_hours, 2)});
  }
  return grid;
}

Grid timeline_grid(const std::vector<analytics::ConcurrencyStep>& steps, const Zone& zone) {
  Grid grid;
  grid.title = "Sessions in flight";
  grid.columns = {{"ts", "From", CellType::string}, {"sessions", "Sessions", CellType::integer}};
  for (const analytics::ConcurrencyStep& s : steps) {
    grid.rows.push_back(
        {GridCell{format_local_time(s.ts, zone), format_iso8601(s.ts)}, count_cell(s.sessions)});
  }
  return grid;
}

}  // namespace

std::string render_concurrency(const analytics::ConcurrencySummary& summary, TimeMs idle_limit,
                               const Zone& zone, Format format, const RenderOptions& options) {
  const Grid days = rows_grid("Sessions in flight per day", "day", "Day", summary.days);
  Grid projects =
      rows_grid("Sessions in flight per project", "project", "Project", summary.projects);
  Grid hours = rows_grid("Busiest hours", "hour", "Hour (local)", summary.busiest_hours);
  std::string out;
  if (format == Format::json) {
    const bool compact = options.compact;
    const int indent = compact ? 0 : 1;
    std::string d, p, h;
    render_grid_json(days, compact, indent, d);
    render_grid_json(projects, compact, indent, p);
    render_grid_json(hours, compact, indent, h);
    out = json_object({{"timezone", json_string(zone.name())},
                       {"idle_minutes", std::to_string(idle_limit / 60000)},
                       {"max_in_flight", std::to_string(summary.max_in_flight)},
                       {"days", d},
                       {"projects", p},
                       {"busiest_hours", h}},
                      compact) +
          "\n";
  } else if (format == Format::csv) {
    render_grid_csv(days, out);
  } else {
    render_grid_table(days, options, out);
    out += "\n";
    render_grid_table(projects, options, out);
    out += "\n";
    render_grid_table(hours, options, out);
    out += fmt::format(
        "note: at most {} in flight; idle gaps over {} min split a session; mean is over "
        "active time; sub-agents count as sessions ({})\n",
        summary.max_in_flight, idle_limit / 60000, zone.name());
  }
  return out;
}

std::string render_concurrency_timeline(const std::vector<analytics::ConcurrencyStep>& steps,
                                        TimeMs idle_limit, const Zone& zone, Format format,
                                        const RenderOptions& options) {
  const Grid grid = timeline_grid(steps, zone);
  std::string out;
  if (format == Format::json) {
    std::string body;
    render_grid_json(grid, options.compact, options.compact ? 0 : 1, body);
    out = json_object({{"timezone", json_string(zone.name())},
                       {"idle_minutes", std::to_string(idle_limit / 60000)},
                       {"timeline", body}},
                      options.compact) +
          "\n";
  } else if (format == Format::csv) {
    render_grid_csv(grid, out);
  } else {
    render_grid_table(grid, options, out);
  }
  return out;
}

}  // namespace tally::render
