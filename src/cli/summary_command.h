#pragma once

// The time views: `tally` with no subcommand (the summary), `tally windows`, `tally blocks`
// and `tally concurrency`. Each view's rendering is a pure function of its data, declared
// here so golden tests pin it byte for byte; the commands (summary_command.cc,
// windows_command.cc, blocks_command.cc, concurrency_command.cc) only gather and print.

#include <string>
#include <string_view>
#include <vector>

#include "analytics/blocks.h"
#include "analytics/concurrency.h"
#include "analytics/summary.h"
#include "analytics/windows.h"
#include "cli/command.h"
#include "cli/context.h"
#include "core/time.h"
#include "render/grid.h"
#include "render/renderer.h"

namespace tally::cli {

// `tally` with no subcommand.
int run_summary(const ReportOptions& options);

Command make_windows_command();
Command make_blocks_command();
Command make_concurrency_command();

// The instant the time views report as of: the clock, unless TALLY_NOW holds an ISO-8601
// time (for reproducible output in tests and bug reports). invalid_argument when TALLY_NOW
// is set but not a time.
Result<TimeMs> view_now();

// Renderers. Table output uses `options` (colour, width, compact); JSON and CSV are the
// stable contracts documented in each command's --help.
std::string render_summary(const analytics::Summary& summary, const Zone& zone,
                           render::Format format, const render::RenderOptions& options);
std::string render_windows(const std::vector<analytics::WindowTotals>& windows, TimeMs now,
                           const Zone& zone, render::Format format,
                           const render::RenderOptions& options);
std::string render_blocks(const std::vector<analytics::Block>& blocks, TimeMs now, const Zone& zone,
                          render::Format format, const render::RenderOptions& options);
// A view that is one grid as of `now`: JSON {"as_of", "timezone", `key`: the grid}, CSV the
// grid, a table the grid and "note: as of <local time> (<zone>)<note>".
std::string render_grid_view(const render::Grid& grid, std::string_view key, TimeMs now,
                             const Zone& zone, render::Format format,
                             const render::RenderOptions& options, std::string_view note = "");
std::string render_concurrency(const analytics::ConcurrencySummary& summary, TimeMs idle_limit,
                               const Zone& zone, render::Format format,
                               const render::RenderOptions& options);

}  // namespace tally::cli
