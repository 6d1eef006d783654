// `tally` with no subcommand: the summary (render/views.h draws it), or with --format html
// the dashboard page (render/dashboard_page.h).

#include <fmt/format.h>

#include <memory>

#include "analytics/dashboard.h"
#include "analytics/plans_view.h"
#include "analytics/rollup.h"
#include "analytics/summary.h"
#include "app/clock.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "render/dashboard_page.h"
#include "render/views.h"

namespace tally::cli {
namespace {

int run_summary(const ReportOptions& options) {
  std::optional<analytics::ReportQuery> query;
  std::optional<app::Context> ctx;
  if (auto done = start_report(options, query, ctx, /*html_and_output=*/true)) {
    return *done;
  }
  auto now = app::view_now();
  if (!now) {
    return error_exit(now.error());
  }
  auto summary = analytics::build_summary(*ctx->ledger, *query, *ctx->zone, *now);
  if (!summary) {
    return error_exit(summary.error());
  }
  auto warned = analytics::add_warnings(*ctx->ledger, analytics::make_filter(*query, *ctx->zone),
                                        ctx->ingest.file_errors, summary->periods,
                                        /*pricing=*/false);
  if (!warned) {
    return error_exit(warned.error());
  }
  // Plans are priced per calendar day: the chart's days, named as such.
  const analytics::DailyByModel& days = summary->daily;
  auto planned = analytics::add_plan_notes(
      *ctx->ledger, ctx->plans, analytics::make_filter(*query, *ctx->zone), *ctx->zone,
      days.days.front(), days.days.back(),
      fmt::format("calendar days {} to {}", format_date(days.days.front()),
                  format_date(days.days.back())),
      summary->periods);
  if (!planned) {
    return error_exit(planned.error());
  }
  const render::Format format = format_of(options);
  if (format == render::Format::html) {
    auto dashboard = analytics::build_dashboard(*ctx->ledger, *query, *ctx->zone,
                                                days.days.front(), days.days.back(), summary->main);
    if (!dashboard) {
      return error_exit(dashboard.error());
    }
    return deliver(options, render::dashboard_page(*summary, *dashboard, *ctx->zone, ctx->demo));
  }
  const int status = deliver(
      options, render::render_summary(*summary, *ctx->zone, format, render_options(options)));
  if (format == render::Format::csv) {
    print_warnings(render::warning_lines(summary->periods));
  }
  return status;
}

}  // namespace

Runner setup_summary(CLI::App& app) {
  auto options = std::make_shared<ReportOptions>();
  add_report_options(app, *options);
  return [options] { return run_summary(*options); };
}

}  // namespace tally::cli
