// `tally windows`: rolling windows ending now ("the last 24 h"), each next to the window of
// the same length before it. The arithmetic is analytics/windows.h.

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "analytics/rollup.h"
#include "analytics/windows.h"
#include "cli/common.h"
#include "cli/summary_command.h"
#include "render/grid.h"
#include "render/json_renderer.h"

namespace tally::cli {
namespace {

constexpr std::string_view kHelp = R"(
A window of duration D covers the records from floor15(now - D) up to now: window starts are
on the ledger's 15-minute buckets, so a window reaches back between D and D + 15 minutes, and
a record exactly on the start is inside. Durations: a whole number of m (minutes), h, d (24 h)
or w (weeks), each a multiple of 15 minutes: 90m, 5h, 24h, 2d, 7d, 30d.

Each window is compared with the window of the same length just before it ([start - D,
start)), and with the widest window listed (its share of it).

JSON: {"as_of": ISO time, "timezone": ..., "windows": {"title", "rows": [{"window",
"duration_minutes", "since", "until", "requests", "input_tokens", "cache_read_tokens",
"cache_write_tokens", "output_tokens", "total_tokens", "cost_usd", "cost_source",
"share_of_widest_cost", "share_of_widest_tokens", "previous_since", "previous_requests",
"previous_total_tokens", "previous_cost_usd", "vs_previous_cost", "vs_previous_tokens"}],
"notes"}}. Times are ISO-8601 UTC; shares and ratios are fractions (0.5 = 50%), null when
the denominator is 0. CSV: the same row fields.

`tally` with no command shows the 24 h, 7 d and 30 d windows the same way; its "today so
far" and "yesterday, same time" rows are exact to the millisecond instead (read from the
records, with yesterday cut at the same local clock time, DST included).
TALLY_NOW=2026-11-23T14:00:00Z pins "now" for reproducible output.

Examples:
  tally windows                      24h, 7d and 30d
  tally windows --window 5h,24h      the current 5 hours and the last day
  tally windows --window 90m,2d --agent claude --json)";

struct WindowsOptions {
  ReportOptions report;
  std::string windows = "24h,7d,30d";
};

render::GridCell optional_ratio(const std::optional<double>& r) {
  return r ? render::percent_cell(*r) : render::null_cell();
}

render::Grid windows_grid(const std::vector<analytics::WindowTotals>& windows, const Zone& zone) {
  using render::CellType;
  render::Grid grid;
  grid.title = "Rolling windows";
  grid.columns = {{"window", "Window", CellType::string},
                  {"duration_minutes", "Minutes", CellType::integer, false},
                  {"since", "Since", CellType::string},
                  {"until", "Until", CellType::string, false},
                  {"requests", "Requests", CellType::integer},
                  {"input_tokens", "Input", CellType::integer, false},
                  {"cache_read_tokens", "Cache read", CellType::integer, false},
                  {"cache_write_tokens", "Cache write", CellType::integer, false},
                  {"output_tokens", "Output", CellType::integer, false},
                  {"total_tokens", "Tokens", CellType::integer},
                  {"cost_usd", "Cost (USD)", CellType::number},
                  {"cost_source", "Priced", CellType::string},
                  {"share_of_widest_cost", "Share of widest", CellType::number},
                  {"share_of_widest_tokens", "Token share", CellType::number, false},
                  {"previous_since", "Previous since", CellType::string, false},
                  {"previous_requests", "Previous requests", CellType::integer, false},
                  {"previous_total_tokens", "Previous tokens", CellType::integer},
                  {"previous_cost_usd", "Previous cost", CellType::number},
                  {"vs_previous_cost", "vs previous", CellType::number},
                  {"vs_previous_tokens", "Tokens vs previous", CellType::number, false}};
  const analytics::WindowTotals* widest = nullptr;
  for (const analytics::WindowTotals& w : windows) {
    if (widest == nullptr || w.spec.duration > widest->spec.duration) {
      widest = &w;
    }
  }
  auto time = [&](TimeMs t) {
    return render::GridCell{analytics::format_local_time(t, zone), format_iso8601(t)};
  };
  const auto tokens = [](const analytics::Totals& t) {
    return static_cast<double>(t.tokens.total());
  };
  for (const analytics::WindowTotals& w : windows) {
    const analytics::Totals& t = w.totals;
    const analytics::Totals& p = w.previous;
    grid.rows.push_back({render::text_cell(w.spec.label),
                         render::count_cell(w.spec.duration / 60000),
                         time(w.since),
                         time(w.until),
                         render::count_cell(t.requests),
                         render::count_cell(t.tokens.input),
                         render::count_cell(t.tokens.cache_read),
                         render::count_cell(t.tokens.cache_write),
                         render::count_cell(t.tokens.output),
                         render::count_cell(t.tokens.total()),
                         render::usd_cell(t.cost_usd),
                         render::text_cell(cost_source_name(t.cost_source)),
                         optional_ratio(analytics::ratio(t.cost_usd, widest->totals.cost_usd)),
                         optional_ratio(analytics::ratio(tokens(t), tokens(widest->totals))),
                         time(w.since - w.spec.duration),
                         render::count_cell(p.requests),
                         render::count_cell(p.tokens.total()),
                         render::usd_cell(p.cost_usd),
                         optional_ratio(analytics::ratio(t.cost_usd, p.cost_usd)),
                         optional_ratio(analytics::ratio(tokens(t), tokens(p)))});
  }
  return grid;
}

int run_windows(const WindowsOptions& o) {
  auto specs = analytics::parse_windows(o.windows);
  if (!specs) {
    return error_exit(Error{specs.error().code, "--window: " + specs.error().message});
  }
  if (!o.report.since.empty() || !o.report.until.empty()) {
    return error_exit(Error{Errc::invalid_argument,
                            "--since/--until do not apply: windows end now (use --window)"});
  }
  std::optional<analytics::ReportQuery> query;
  std::optional<Context> ctx;
  if (auto done = start_report(o.report, query, ctx)) {
    return *done;
  }
  auto now = view_now();
  if (!now) {
    return error_exit(now.error());
  }
  auto windows = analytics::build_windows(*ctx->ledger, analytics::make_filter(*query, *ctx->zone),
                                          *specs, *now, query->standard_speed);
  if (!windows) {
    return error_exit(windows.error());
  }
  print(render_windows(*windows, *now, *ctx->zone, format_of(o.report), render_options(o.report)));
  return kExitOk;
}

}  // namespace

std::string render_windows(const std::vector<analytics::WindowTotals>& windows, TimeMs now,
                           const Zone& zone, render::Format format,
                           const render::RenderOptions& options) {
  const render::Grid grid = windows_grid(windows, zone);
  return render_grid_view(grid, "windows", now, zone, format, options,
                          "; windows start on 15-minute boundaries");
}

Command make_windows_command() {
  return {"windows", "rolling windows ending now (24h, 7d, 30d, or any --window list)",
          [](CLI::App& sub) -> std::function<int()> {
            auto o = std::make_shared<WindowsOptions>();
            add_report_options(sub, o->report);
            sub.add_option("--window,-w", o->windows,
                           "comma-separated durations, e.g. 24h,7d,30d (default) or 5h,90m,2d");
            sub.footer(std::string(kHelp));
            return [o] { return run_windows(*o); };
          }};
}

}  // namespace tally::cli
