#pragma once

// `tally outcomes` (issue 18): one row per session tree with its cost and what it produced.
//
// Table: Session, Agent, Start, Cost, Commits, Merged, Lines (+added -removed), Reusable
// (changed lines in tests, agent instructions, harness files, CI), PRs, $/merged; then notes
// with the totals, cost per merged commit, the sessions that committed nothing, and every
// warning (a repository missing, a SHA no commit has, ...).
// JSON (the stable contract): {"timezone", "sessions": [{session_id, session (short),
// agent, project, title, repository, start, end, <figures>, produced_nothing, "commits":
// [{sha, short, branch, subject, action, repository, logged_at, lines_added, lines_removed,
// files, test_lines, instruction_lines, harness_lines, ci_lines, counted, merged (null when
// unknown), state (merged|squash-merged|unmerged|unknown|amended|revert), landed_as,
// evidence ("exact"), tokens_since_previous, cost_since_previous}], "prs": [{url, number,
// branch, merged (null when unknown)}]}], "totals": {sessions, <figures>,
// merged_lines_per_dollar, sessions_without_commits, cost_without_commits_usd},
// "warnings": [{kind, session_id, detail}]}. <figures>: cost_usd, unpriced, total_tokens,
// requests, counted_commits, merged_commits, unchecked_commits, lines_added, lines_removed,
// merged_lines_added, merged_lines_removed, reusable_lines, pull_requests,
// pull_requests_merged, cost_per_merged_commit, tokens_per_completed_loop (null without a
// merged commit), tail_tokens, tail_cost_usd.
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
