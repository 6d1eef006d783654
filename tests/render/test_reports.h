#pragma once

// Reports built in code for the renderer tests and golden files. Each is internally
// consistent (totals are the sums of the rows), so tests can check one against the other.

#include "analytics/report.h"

namespace tally::render::fixtures {

// Daily report, key "date": an agent-reported row and a partly unpriced row, a warning, a note.
analytics::Report daily_report();
// Models report (no keys): claude, codex and gemini, one codex model entirely unpriced.
analytics::Report models_report();
// A daily report with no rows.
analytics::Report empty_report();
// Session report (keys session_id, project) with malformed-line / unreadable-file warnings.
analytics::Report warnings_report();
// Strings needing escaping everywhere: quotes, commas, newlines, tabs, ESC, backslashes,
// non-ASCII and invalid UTF-8.
analytics::Report escaping_report();

// Daily report with --breakdown: two days, each row the sum of its shares (claude, codex,
// gemini; an agent-reported and an unpriced model among them). `hostile` names one share's
// model "=HYPERLINK(...)" and another's with a control character and a quote.
analytics::Report breakdown_report(bool hostile = false);

// Builds a Totals; `reported`/`unpriced` are request counts and decide cost_source.
analytics::Totals make_totals(std::int64_t requests, TokenCounts tokens, double cost_usd,
                              std::int64_t reported = 0, std::int64_t unpriced = 0);
// Sums the rows' totals into report.totals (Totals::add lives in the analytics module,
// which render does not link).
void sum_totals(analytics::Report& report);

}  // namespace tally::render::fixtures
