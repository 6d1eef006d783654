#pragma once

// `tally outcomes` (issue 18): one row per session tree with its cost and what it produced.
//
// Table: Session, Agent, Start, Cost, Commits, Merged, Lines (+added -removed), Reusable
// (changed lines in tests, agent instructions, harness files, CI), PRs, $/merged; then notes
// with the totals, cost per merged commit, the sessions that committed nothing, and every
// warning (a repository missing, a SHA no commit has, ...).
// JSON: {"timezone", "sessions": grid, "commits": grid (one row per commit: sha, subject,
// state merged|unmerged|unknown|amended|revert, lines, files, class lines),
// "sessions_without_commits", "warnings": [{kind, session_id, detail}]}.
// CSV: the sessions grid (the warnings go to stderr: outcome_warnings).

#include <string>
#include <vector>

#include "analytics/outcomes.h"
#include "core/time.h"
#include "render/renderer.h"

namespace tally::render {

std::string render_outcomes(const analytics::OutcomeReport& report, const Zone& zone,
                            Format format, const RenderOptions& options);

// The warnings, one line each, safe for a terminal.
std::vector<std::string> outcome_warnings(const analytics::OutcomeReport& report);

}  // namespace tally::render
