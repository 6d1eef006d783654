// `tally blocks`: 5-hour windows (the Claude session-limit window) with burn rate and a
// projection to the window's end. The arithmetic is analytics/blocks.h.

#include <fmt/format.h>

#include <memory>

#include "analytics/blocks.h"
#include "analytics/rollup.h"
#include "cli/common.h"
#include "cli/summary_command.h"
#include "render/grid.h"
#include "render/json_renderer.h"

namespace tally::cli {
namespace {

constexpr std::string_view kHelp = R"(
A block starts at the first record after the previous block ended, floored to the UTC hour,
and lasts 5 hours (the usual Claude session-limit window). A gap of more than 5 hours without
records leaves no block. The block containing now is marked active.

Burn rate: tokens per minute and dollars per hour over the block's elapsed active span, from
its first record to its last record (to now for the active block). A span under a minute
has no rate ("-", JSON null). Projection (active block only): the block's totals plus the
burn rate times the time left until the block ends.

All records count, sub-agents and reconciled unlogged spend included. Times are shown in
--timezone; --since/--until pick blocks by their start day.

JSON: {"as_of": ISO time, "timezone": ..., "blocks": {"title", "rows": [{"start", "end",
"first", "last", "active", "requests", "total_tokens", "cost_usd", "models",
"tokens_per_minute", "usd_per_hour", "projected_tokens", "projected_usd"}], "notes"}}.
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

render::GridCell optional_number(const std::optional<double>& v) {
  return v ? render::rounded_count_cell(*v) : render::null_cell();
}

render::Grid blocks_grid(const std::vector<analytics::Block>& blocks, const Zone& zone) {
  render::Grid grid;
  grid.title = "5-hour blocks";
  grid.empty_text = "no blocks in this range";
  grid.columns = {{"start", "Start", render::CellType::string},
                  {"end", "End", render::CellType::string, false},
                  {"first", "First", render::CellType::string, false},
                  {"last", "Last", render::CellType::string},
                  {"active", "Active", render::CellType::boolean},
                  {"requests", "Requests", render::CellType::integer},
                  {"total_tokens", "Tokens", render::CellType::integer},
                  {"cost_usd", "Cost (USD)", render::CellType::number},
                  {"models", "Models", render::CellType::string, false},
                  {"tokens_per_minute", "Tokens/min", render::CellType::number},
                  {"usd_per_hour", "$/h", render::CellType::number},
                  {"projected_tokens", "Projected tokens", render::CellType::number},
                  {"projected_usd", "Projected $", render::CellType::number}};
  std::int64_t unpriced = 0;
  for (const analytics::Block& b : blocks) {
    std::string models;
    for (const std::string& m : b.models) {
      models += (models.empty() ? "" : ", ") + m;
    }
    auto time = [&](TimeMs t) {
      return render::GridCell{analytics::format_local_time(t, zone), format_iso8601(t)};
    };
    unpriced += b.unpriced_requests;
    grid.rows.push_back(
        {time(b.start), time(b.end), time(b.first_ts), time(b.last_ts),
         render::GridCell{b.active ? "ACTIVE" : "", b.active ? "true" : "false"},
         render::count_cell(b.requests), render::count_cell(b.tokens.total()),
         render::usd_cell(b.cost_usd), render::text_cell(models),
         optional_number(b.tokens_per_minute),
         b.cost_per_hour ? render::usd_cell(*b.cost_per_hour) : render::null_cell(),
         optional_number(b.projected_tokens),
         b.projected_cost_usd ? render::usd_cell(*b.projected_cost_usd) : render::null_cell()});
  }
  if (unpriced > 0) {
    grid.notes.push_back(
        fmt::format("{} unpriced request{} count as $0 in costs and $/h (see tally prices check)",
                    unpriced, unpriced == 1 ? "" : "s"));
  }
  return grid;
}

int run_blocks(const BlocksOptions& o) {
  std::optional<analytics::ReportQuery> query;
  std::optional<Context> ctx;
  if (auto done = start_report(o.report, query, ctx)) {
    return *done;
  }
  auto now = view_now();
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
  print(render_blocks(blocks, *now, *ctx->zone, format, render_options(o.report)));
  return kExitOk;
}

}  // namespace

std::string render_blocks(const std::vector<analytics::Block>& blocks, TimeMs now, const Zone& zone,
                          render::Format format, const render::RenderOptions& options) {
  const render::Grid grid = blocks_grid(blocks, zone);
  return render_grid_view(grid, "blocks", now, zone, format, options);
}

Command make_blocks_command() {
  return {"blocks", "5-hour windows with burn rate ($/h, tokens/min) and projection",
          [](CLI::App& sub) -> std::function<int()> {
            auto o = std::make_shared<BlocksOptions>();
            add_report_options(sub, o->report);
            sub.add_flag("--active", o->active, "only the active block (the one containing now)");
            sub.footer(std::string(kHelp));
            return [o] { return run_blocks(*o); };
          }};
}

}  // namespace tally::cli
