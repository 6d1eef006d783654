#pragma once

// `tally outcomes`: what each session's spend bought (issue 18). Joins the commits found for
// each session tree (core/outcome.h, from src/outcomes) with its cost and tokens from the
// ledger. Sessions with cost and no counted commit are the "no yield" ones.
//
// Figures: a session's commits and lines count only `counted()` commits (not amended away,
// not reverts); merged ones are reachable from the default branch as last fetched. Reusable
// lines are the changed lines in tests, agent instructions, harness files and CI
// (outcomes/path_class.h). Cost per merged commit = the cost of the sessions in the range /
// their merged commits; never a figure for zero merged commits.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/outcome.h"
#include "core/result.h"
#include "core/time.h"
#include "store/ledger.h"

namespace tally::analytics {

struct OutcomeRow {
  Agent agent;
  std::string session_id;  // the root session
  std::string short_id;    // its shortest unique start (session_list.h ShortIds)
  std::string project;
  std::string title;
  TimeMs first_ts = 0;
  TimeMs last_ts = 0;
  double cost_usd = 0;
  bool unpriced = false;  // some of its requests have no price: the cost is a floor
  std::int64_t tokens = 0;
  std::int64_t requests = 0;
  std::int64_t commits = 0;  // counted
  std::int64_t merged = 0;
  std::int64_t lines_added = 0;
  std::int64_t lines_removed = 0;
  std::int64_t merged_lines_added = 0;
  std::int64_t merged_lines_removed = 0;
  std::int64_t reusable_lines = 0;  // test + instructions + harness + ci, counted commits
  std::int64_t unchecked = 0;       // commit marks that could not be checked (warnings)
  std::vector<PullRequestOutcome> pull_requests;
  std::int64_t pull_requests_merged = 0;
  std::vector<CommitOutcome> commit_list;  // every found commit, amended and reverts too
  // Loops: each commit carries what the session spent since its previous commit
  // (CommitOutcome::tokens_since_previous); the tail is what it spent after its last one.
  // loop_tokens sums tokens_since_previous over the merged commits: tokens per completed
  // loop = loop_tokens / merged.
  std::int64_t loop_tokens = 0;
  std::int64_t tail_tokens = 0;
  double tail_cost = 0;
  // Cost and nothing committed, as far as its logs show: no commit, none it could not check,
  // no pull request.
  bool no_yield() const {
    return commits == 0 && unchecked == 0 && pull_requests.empty() && cost_usd > 0;
  }
};

struct OutcomeReport {
  // "session", or what group_outcomes() grouped by ("project", "day", ...): then each row's
  // session_id is the group's key.
  std::string key_name = "session";
  std::vector<OutcomeRow> rows;  // by first activity (groups: by key)
  OutcomeRow total;              // sums over rows (session fields empty)
  std::int64_t sessions = 0;     // session trees in the report (also after grouping)
  std::int64_t sessions_no_yield = 0;
  double cost_no_yield = 0;
  std::vector<OutcomeWarning> warnings;
};

// `tally outcomes --by`: sessions summed per key (the session's first activity decides its
// day, week and month, in `zone`; weeks start on Monday).
enum class OutcomeGrouping { session, project, agent, day, week, month };

// Parses "session", "project", "agent", "day", "week", "month".
std::optional<OutcomeGrouping> parse_outcome_grouping(std::string_view name);

// One row per key, in key order; each row's figures are its sessions' sums, `session_id`
// holds the key, and `commit_list` the sessions' commits. Totals and warnings unchanged.
OutcomeReport group_outcomes(OutcomeReport report, OutcomeGrouping by, const Zone& zone);

// Every session tree with records in `filter`, with the commits `found` gives it (sessions
// with none have no commits). `facts`: the ledger's session facts (titles, projects). The
// loops of a session with commits come from its records (Ledger::events), in (previous
// commit's log line, this commit's]: every record counts in exactly one loop or the tail.
Result<OutcomeReport> build_outcome_report(store::Ledger& ledger, const store::RecordFilter& filter,
                                           const std::vector<SessionFacts>& facts,
                                           std::vector<SessionOutcome> found,
                                           std::vector<OutcomeWarning> warnings);

}  // namespace tally::analytics
