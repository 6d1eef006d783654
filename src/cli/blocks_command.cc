// `tally blocks`: 5-hour windows (the Claude session-limit window) with burn rate and a
// projection to the window's end. The arithmetic is analytics/blocks.h.

#include <fmt/format.h>

#include <memory>

#include "analytics/blocks.h"
#include "analytics/rollup.h"
#include "app/clock.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "render/views.h"

namespace tally::cli {
namespace {

constexpr std::string_view kHelp = R"(
A block starts at the first record after the previous block ended, floored to the UTC hour,
and lasts 5 hours (the usual Claude session-limit window). A gap of more than 5 hours without
records leaves no block. The block containing now is marked active.

Burn rate: tokens per minute and dollars per hour over the block's elapsed active span, from
its first record to its last record (to now for the active block). A span under 30 minutes
has no rate ("-", JSON null; the active block says "too early"): a burst of responses is
not an hourly rate. Projection (active block only), a range: the block's totals plus the
time left until the block ends at the block's average since its start (low) and at the
burn rate (high).

All records count, sub-agents and reconciled unlogged spend included. Times are shown in
--timezone; --since/--until pick blocks by their start day.

JSON: {"as_of": ISO time, "timezone": ..., "blocks": {"title", "rows": [{"start", "end",
"first", "last", "active", "requests", "total_tokens", "cost_usd", "models",
"tokens_per_minute", "usd_per_hour", "projected_tokens", "projected_tokens_low",
"projected_usd_low", "projected_usd", "too_early"}], "notes"}}.
Times are ISO-8601 UTC; numbers that do not exist are null. CSV: the same row fields.

TALLY_NOW=2026-11-23T14:00:00Z pins "now" for reproducible output.

Examples:
  tally blocks                   every block, newest last
  tally blocks --active          only the block running now, with its projection
  tally blocks --since 2026-11-01 --json)";

struct BlocksOptions {
  ReportOptions report;
  bool active = false;
};

int run_blocks(const BlocksOptions& o) {
  std::optional<analytics::ReportQuery> query;
  std::optional<app::Context> ctx;
  if (auto done = start_report(o.report, query, ctx)) {
    return *done;
  }
  auto now = app::view_now();
  if (!now) {
    return error_exit(now.error());
  }
  // Blocks are cut from every record (a block can start before --since), then picked by
  // their start day.
  analytics::ReportQuery all = *query;
  all.since.reset();
  all.until.reset();
  auto events = ctx->ledger->events(analytics::make_filter(all, *ctx->zone));
  if (!events) {
    return error_exit(events.error());
  }
  std::vector<analytics::Block> blocks;
  const store::RecordFilter range = analytics::make_filter(*query, *ctx->zone);
  for (analytics::Block& b : analytics::build_blocks(*events, *now)) {
    if ((range.since && b.start < *range.since) || (range.until && b.start >= *range.until)) {
      continue;
    }
    if (o.active && !b.active) {
      continue;
    }
    blocks.push_back(std::move(b));
  }
  const render::Format format = format_of(o.report);
  print(render::render_blocks(blocks, *now, *ctx->zone, format, render_options(o.report)));
  return kExitOk;
}

}  // namespace

Runner setup_blocks(CLI::App& sub) {
  auto o = std::make_shared<BlocksOptions>();
  add_report_options(sub, o->report);
  sub.add_flag("--active", o->active, "only the active block (the one containing now)");
  sub.footer(std::string(kHelp));
  return [o] { return run_blocks(*o); };
}

}  // namespace tally::cli
