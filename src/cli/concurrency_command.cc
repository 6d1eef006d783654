// `tally concurrency`: sessions in flight over time, per day, per project and the busiest
// hours. The definitions are analytics/concurrency.h; --help states them.

#include <fmt/format.h>

#include <memory>

#include "analytics/concurrency.h"
#include "analytics/rollup.h"
#include "analytics/windows.h"
#include "cli/common.h"
#include "cli/summary_command.h"
#include "render/grid.h"
#include "render/json_renderer.h"

namespace tally::cli {
namespace {

constexpr std::string_view kHelp = R"(
Definitions:
  session      one agent session id. A sub-agent counts as its own session in flight: it is
               a separate agent running (its cost still rolls into its parent elsewhere).
  in flight    from a session's first event to its last, plus one minute after each event:
               [first, last + 1 min). A single-event session counts for one minute.
  idle split   a gap between two events of a session longer than --idle splits it into two
               stretches; a gap of exactly --idle does not.
  max          the most sessions in flight at any instant of the day, project or hour.
  mean         time-weighted over the ACTIVE time (while at least one session was in
               flight), not over 24 h: session-hours / active hours.
Days are local days in --timezone (a DST day is 23 or 25 hours); hours are local clock
hours. --since/--until keep the events of those days.

JSON: {"timezone", "idle_minutes", "max_in_flight", "days", "projects", "busiest_hours"},
each a grid {"title", "rows": [{"day"|"project"|"hour", "sessions", "max_in_flight",
"mean_in_flight", "active_hours", "session_hours"}], "notes"}. With --timeline: {"timezone",
"idle_minutes", "timeline": {"rows": [{"ts", "sessions"}]}}, a step function: from ts until
the next row's ts, that many sessions are in flight. CSV: the days grid (or the timeline).

Examples:
  tally concurrency                      per day, per project, busiest hours
  tally concurrency --idle 30m --since 2026-11-01
  tally concurrency --timeline --csv > in-flight.csv)";

struct ConcurrencyOptions {
  ReportOptions report;
  std::string idle = "15m";
  bool timeline = false;
  size_t top = 5;
};

render::Grid rows_grid(std::string title, std::string key, std::string header,
                       const std::vector<analytics::ConcurrencyRow>& rows) {
  using render::CellType;
  render::Grid grid;
  grid.title = std::move(title);
  grid.columns = {{std::move(key), std::move(header), CellType::string},
                  {"sessions", "Sessions", CellType::integer},
                  {"max_in_flight", "Max in flight", CellType::integer},
                  {"mean_in_flight", "Mean in flight", CellType::number},
                  {"active_hours", "Active hours", CellType::number},
                  {"session_hours", "Session hours", CellType::number}};
  for (const analytics::ConcurrencyRow& r : rows) {
    grid.rows.push_back(
        {render::text_cell(r.label), render::count_cell(r.sessions),
         render::count_cell(r.max_in_flight), render::number_cell(r.mean_in_flight, 2),
         render::number_cell(r.active_hours, 2), render::number_cell(r.session_hours, 2)});
  }
  return grid;
}

render::Grid timeline_grid(const std::vector<analytics::ConcurrencyStep>& steps, const Zone& zone) {
  render::Grid grid;
  grid.title = "Sessions in flight";
  grid.columns = {{"ts", "From", render::CellType::string},
                  {"sessions", "Sessions", render::CellType::integer}};
  for (const analytics::ConcurrencyStep& s : steps) {
    grid.rows.push_back(
        {render::GridCell{analytics::format_local_time(s.ts, zone), format_iso8601(s.ts)},
         render::count_cell(s.sessions)});
  }
  return grid;
}

int run_concurrency(const ConcurrencyOptions& o) {
  auto idle = analytics::parse_duration(o.idle);
  if (!idle) {
    return error_exit(Error{idle.error().code, "--idle: " + idle.error().message});
  }
  std::optional<analytics::ReportQuery> query;
  std::optional<Context> ctx;
  if (auto done = start_report(o.report, query, ctx)) {
    return *done;
  }
  auto events = ctx->ledger->events(analytics::make_filter(*query, *ctx->zone));
  if (!events) {
    return error_exit(events.error());
  }
  const analytics::ConcurrencyTimeline timeline = analytics::concurrency_timeline(*events, *idle);
  const render::Format format = format_of(o.report);
  const render::RenderOptions ro = render_options(o.report);
  if (o.timeline) {
    const render::Grid grid = timeline_grid(timeline.steps, *ctx->zone);
    std::string out;
    if (format == render::Format::json) {
      std::string body;
      render::render_grid_json(grid, ro.compact, ro.compact ? 0 : 1, body);
      out = render::json_object({{"timezone", render::json_string(ctx->zone->name())},
                                 {"idle_minutes", std::to_string(*idle / 60000)},
                                 {"timeline", body}},
                                ro.compact) +
            "\n";
    } else if (format == render::Format::csv) {
      render::render_grid_csv(grid, out);
    } else {
      render::render_grid_table(grid, ro, out);
    }
    print(out);
    return kExitOk;
  }
  const analytics::ConcurrencySummary summary =
      analytics::summarize_concurrency(timeline, *ctx->zone, o.top);
  print(render_concurrency(summary, *idle, *ctx->zone, format, ro));
  return kExitOk;
}

}  // namespace

std::string render_concurrency(const analytics::ConcurrencySummary& summary, TimeMs idle_limit,
                               const Zone& zone, render::Format format,
                               const render::RenderOptions& options) {
  const render::Grid days = rows_grid("Sessions in flight per day", "day", "Day", summary.days);
  render::Grid projects =
      rows_grid("Sessions in flight per project", "project", "Project", summary.projects);
  render::Grid hours = rows_grid("Busiest hours", "hour", "Hour (local)", summary.busiest_hours);
  std::string out;
  if (format == render::Format::json) {
    const bool compact = options.compact;
    const int indent = compact ? 0 : 1;
    std::string d, p, h;
    render::render_grid_json(days, compact, indent, d);
    render::render_grid_json(projects, compact, indent, p);
    render::render_grid_json(hours, compact, indent, h);
    out = render::json_object({{"timezone", render::json_string(zone.name())},
                               {"idle_minutes", std::to_string(idle_limit / 60000)},
                               {"max_in_flight", std::to_string(summary.max_in_flight)},
                               {"days", d},
                               {"projects", p},
                               {"busiest_hours", h}},
                              compact) +
          "\n";
  } else if (format == render::Format::csv) {
    render::render_grid_csv(days, out);
  } else {
    render::render_grid_table(days, options, out);
    out += "\n";
    render::render_grid_table(projects, options, out);
    out += "\n";
    render::render_grid_table(hours, options, out);
    out += fmt::format(
        "note: at most {} in flight; idle gaps over {} min split a session; mean is over "
        "active time; sub-agents count as sessions ({})\n",
        summary.max_in_flight, idle_limit / 60000, zone.name());
  }
  return out;
}

Command make_concurrency_command() {
  return {"concurrency", "sessions in flight: max and mean per day and project, busiest hours",
          [](CLI::App& sub) -> std::function<int()> {
            auto o = std::make_shared<ConcurrencyOptions>();
            add_report_options(sub, o->report);
            sub.add_option("--idle", o->idle,
                           "an idle gap longer than this splits a session (default 15m)");
            sub.add_option("--top", o->top, "how many busiest hours to list (default 5)");
            sub.add_flag("--timeline", o->timeline,
                         "print the step function (time, sessions in flight) instead");
            sub.footer(std::string(kHelp));
            return [o] { return run_concurrency(*o); };
          }};
}

}  // namespace tally::cli
