#pragma once

// `tally --format html`: the dashboard as one self-contained HTML page (render/html_renderer.h
// explains "self-contained"). Top to bottom: the period and its totals, the warnings (in a
// box, never hidden), a card per summary period (each the same row as `tally --json`
// "periods", with data-period/data-since/data-until/data-usd/data-tokens), the daily cost of
// the chart's calendar days stacked by model, cost by project over the summary's main period,
// sessions in flight over the last 7 days of the chart (peak per hour), and the summary's
// tables (Cost right after the keys, so it shows at 1024 px; a print stylesheet).
//
// Chart elements the browser test relies on: <svg id="daily">, <svg id="projects"> and
// <svg id="concurrency">, each bar a <rect class="bar"> with data-day/data-model/data-usd,
// data-project/data-usd and data-hour/data-sessions respectively.

#include <string>

#include "analytics/dashboard.h"
#include "analytics/summary.h"
#include "core/time.h"

namespace tally::render {

// The dashboard page for `summary` and `dashboard`, both built in `zone` (which names hours
// on the timeline). With `demo`, a banner says the data is synthetic. Pure: tests call it on
// constructed ledgers.
std::string dashboard_page(const analytics::Summary& summary, const analytics::Dashboard& dashboard,
                           const Zone& zone, bool demo = false);

}  // namespace tally::render
