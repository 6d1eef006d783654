#pragma once

// The time views: `tally` with no subcommand (the summary), `tally windows`, `tally blocks`
// and `tally concurrency`, each rendered as a table, JSON or CSV from the data analytics
// built. Pure functions of their input, so golden tests pin them byte for byte
// (tests/golden/views_*). Table output uses `options` (colour, width, compact); JSON and CSV
// are the stable contracts each command's --help documents. One file each:
// summary_view.cc, windows_view.cc, blocks_view.cc, concurrency_view.cc.

#include <string>
#include <vector>

#include "analytics/blocks.h"
#include "analytics/concurrency.h"
#include "analytics/summary.h"
#include "analytics/windows.h"
#include "core/time.h"
#include "render/renderer.h"

namespace tally::render {

std::string render_summary(const analytics::Summary& summary, const Zone& zone, Format format,
                           const RenderOptions& options);
std::string render_windows(const std::vector<analytics::WindowTotals>& windows, TimeMs now,
                           const Zone& zone, Format format, const RenderOptions& options);
std::string render_blocks(const std::vector<analytics::Block>& blocks, TimeMs now, const Zone& zone,
                          Format format, const RenderOptions& options);
std::string render_concurrency(const analytics::ConcurrencySummary& summary, TimeMs idle_limit,
                               const Zone& zone, Format format, const RenderOptions& options);
// `tally concurrency --timeline`: the step function (from ts, that many sessions in flight).
std::string render_concurrency_timeline(const std::vector<analytics::ConcurrencyStep>& steps,
                                        TimeMs idle_limit, const Zone& zone, Format format,
                                        const RenderOptions& options);

}  // namespace tally::render
