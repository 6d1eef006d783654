// `tally windows`: rolling windows ending now ("the last 24 h"), each next to the window of
// the same length before it. The arithmetic is analytics/windows.h; render/windows_view.cc
// draws them.

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "analytics/rollup.h"
#include "analytics/windows.h"
#include "app/clock.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "render/views.h"

namespace tally::cli {
namespace {

constexpr std::string_view kHelp = R"(
A window of duration D covers the records from now - D up to now, exact to the millisecond:
a record exactly on the start is inside. (The ledger answers the whole 15-minute buckets in
the middle from its rollup and the two ragged edges from the records.) Durations: a whole
number of m (minutes), h, d (24 h) or w (weeks): 90m, 5h, 24h, 2d, 7d, 30d.

Each window is compared with the window of the same length just before it ([start - D,
start)), and with the widest window listed (its share of it).

JSON: {"as_of": ISO time, "timezone": ..., "windows": {"title", "rows": [{"window",
"duration_minutes", "since", "until", "requests", "input_tokens", "cache_read_tokens",
"cache_write_tokens", "output_tokens", "total_tokens", "cost_usd", "cost_source",
"share_of_widest_cost", "share_of_widest_tokens", "previous_since", "previous_requests",
"previous_total_tokens", "previous_cost_usd", "vs_previous_cost", "vs_previous_tokens"}],
"notes"}}. Times are ISO-8601 UTC; shares and ratios are fractions (0.5 = 50%), null when
the denominator is 0. CSV: the same row fields.

`tally` with no command shows the same 24 h, 7 d and 30 d windows, by the same definition,
next to "today", "yesterday, same time" (cut at the same local clock time, DST included) and
"yesterday".
TALLY_NOW=2026-11-23T14:00:00Z pins "now" for reproducible output.

Examples:
  tally windows                      24h, 7d and 30d
  tally windows --window 5h,24h      the current 5 hours and the last day
  tally windows --window 90m,2d --agent claude --json)";

struct WindowsOptions {
  ReportOptions report;
  std::string windows = "24h,7d,30d";
};

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
  std::optional<app::Context> ctx;
  if (auto done = start_report(o.report, query, ctx)) {
    return *done;
  }
  auto now = app::view_now();
  if (!now) {
    return error_exit(now.error());
  }
  auto windows = analytics::build_windows(*ctx->ledger, analytics::make_filter(*query, *ctx->zone),
                                          *specs, *now, query->standard_speed);
  if (!windows) {
    return error_exit(windows.error());
  }
  print(render::render_windows(*windows, *now, *ctx->zone, format_of(o.report),
                               render_options(o.report)));
  return kExitOk;
}

}  // namespace

Runner setup_windows(CLI::App& sub) {
  auto o = std::make_shared<WindowsOptions>();
  add_report_options(sub, o->report);
  sub.add_option("--window,-w", o->windows,
                 "comma-separated durations, e.g. 24h,7d,30d (default) or 5h,90m,2d");
  sub.footer(std::string(kHelp));
  return [o] { return run_windows(*o); };
}

}  // namespace tally::cli
