// `tally concurrency`: sessions in flight over time, per day, per project and the busiest
// hours. The definitions are analytics/concurrency.h; --help states them.

#include <fmt/format.h>

#include <memory>

#include "analytics/concurrency.h"
#include "analytics/rollup.h"
#include "analytics/windows.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "render/views.h"

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

int run_concurrency(const ConcurrencyOptions& o) {
  auto idle = analytics::parse_duration(o.idle);
  if (!idle) {
    return error_exit(Error{idle.error().code, "--idle: " + idle.error().message});
  }
  std::optional<analytics::ReportQuery> query;
  std::optional<app::Context> ctx;
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
    print(render::render_concurrency_timeline(timeline.steps, *idle, *ctx->zone, format, ro));
    return kExitOk;
  }
  const analytics::ConcurrencySummary summary =
      analytics::summarize_concurrency(timeline, *ctx->zone, o.top);
  print(render::render_concurrency(summary, *idle, *ctx->zone, format, ro));
  return kExitOk;
}

}  // namespace

Runner setup_concurrency(CLI::App& sub) {
  auto o = std::make_shared<ConcurrencyOptions>();
  add_report_options(sub, o->report);
  sub.add_option("--idle", o->idle, "an idle gap longer than this splits a session (default 15m)");
  sub.add_option("--top", o->top, "how many busiest hours to list (default 5)");
  sub.add_flag("--timeline", o->timeline,
               "print the step function (time, sessions in flight) instead");
  sub.footer(std::string(kHelp));
  return [o] { return run_concurrency(*o); };
}

}  // namespace tally::cli
