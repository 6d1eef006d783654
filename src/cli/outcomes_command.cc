// `tally outcomes`: what each session's spend bought (issue 18): the commits it made, checked
// in the repositories on this machine, merged or not, their lines, and the sessions that
// committed nothing.

#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "analytics/rollup.h"
#include "app/outcomes.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "render/outcomes_view.h"

namespace tally::cli {
namespace {

constexpr std::string_view kHelp = R"(
Evidence: only a session's own word that it made a commit: the output of its own `git
commit` (revert, merge, cherry-pick, am, --amend) as its shell tool printed it (Claude Code's
gitOperation record, Codex's command output, Gemini's run_shell_command display), and the
pull request URLs its `gh pr create` printed. Each is checked in the repository of the
directory the command ran in (worktrees are their repository): the short SHA must name a
commit with the subject git printed, made within the hour before. A SHA that merely appears
in a session (git status, git log, push ranges, the model's prose) is never evidence, and a
commit nobody's session printed belongs to no session.

Columns:
  Commits      commits the session made; an amended-away commit and a revert do not count
  Merged       of those, reachable from origin/HEAD, origin/main or origin/master as last
               fetched (tally never fetches), or landed there by a squash or rebase merge:
               a commit of the default branch with the same change (patch id), alone or
               with the session's earlier commits on its branch (state "landed")
  Lines        +added -removed against each commit's first parent
  Reusable     changed lines in tests, agent instructions (AGENTS.md, CLAUDE.md, ...),
               harness files (.claude/, .codex/, skills, prompts) and CI
  $/merged     the session's cost per merged commit
Sessions come from --since/--until/--agent/--project like every report; a session counts
with all its commits when any of its records is in the range.

Repositories are read, never written, and never fetched. A clone moved since the session
ran: --repo-map OLD=NEW (repeatable). Nothing is stored: a repository deleted since is a
warning and its sessions' commits are then unknown.

Loops: each commit carries what its session spent since its previous commit (or its start):
tokens per completed loop = those tokens over the merged commits / merged commits. What a
session spent after its last commit is its tail.

JSON: {"timezone", "sessions": [{session_id, agent, project, title, repository, cost_usd,
total_tokens, counted_commits, merged_commits, lines..., produced_nothing, "commits": [{sha,
short, branch, subject, lines_added, lines_removed, merged, state (merged|squash-merged|
unmerged|unknown|amended|revert), landed_as, evidence, tokens_since_previous,
cost_since_previous, ...}], "prs": [{url, number, branch, merged}]}], "totals": {...},
"warnings": [{kind, session_id, detail}]} (render/outcomes_view.h has every field).
CSV: one line per session (warnings on stderr).

Examples:
  tally outcomes --since 30d
  tally outcomes --by project --since mtd      per repository: what this month shipped
  tally outcomes --agent codex --json | jq '.sessions[].commits[] | select(.merged)'
  tally outcomes --repo-map /home/old/src=/home/dana/src)";

struct OutcomesOptions {
  ReportOptions report;
  std::vector<std::string> repo_map;
  std::string by = "session";
};

int run_outcomes(const OutcomesOptions& o) {
  outcomes::AttributeOptions attribute;
  for (const std::string& entry : o.repo_map) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == entry.size()) {
      return error_exit(Error{Errc::invalid_argument,
                              fmt::format("--repo-map {}: expected OLD=NEW (two paths)", entry)});
    }
    attribute.path_map.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
  }
  const std::optional<analytics::OutcomeGrouping> by = analytics::parse_outcome_grouping(o.by);
  if (!by) {
    return error_exit(Error{Errc::invalid_argument,
                            fmt::format("--by {}: expected session, project, agent, day, week "
                                        "or month",
                                        o.by)});
  }
  std::optional<analytics::ReportQuery> query;
  std::optional<app::Context> ctx;
  if (auto done = start_report(o.report, query, ctx)) {
    return *done;
  }
  auto report = app::gather_outcomes(*ctx->ledger, analytics::make_filter(*query, *ctx->zone),
                                     attribute);
  if (!report) {
    return error_exit(report.error());
  }
  *report = analytics::group_outcomes(std::move(*report), *by, *ctx->zone);
  const render::Format format = format_of(o.report);
  const std::string out =
      render::render_outcomes(*report, *ctx->zone, format, render_options(o.report));
  if (format == render::Format::csv) {
    for (const std::string& w : render::outcome_warnings(*report)) {
      fmt::print(stderr, "tally: warning: {}\n", w);
    }
  }
  return deliver(o.report, out);
}

}  // namespace

Runner setup_outcomes(CLI::App& sub) {
  auto options = std::make_shared<OutcomesOptions>();
  add_report_options(sub, options->report);
  for (std::string_view name : {"--speed", "--breakdown", "--sort", "--limit"}) {
    if (CLI::Option* opt = sub.get_option_no_throw(std::string(name))) {
      sub.remove_option(opt);
    }
  }
  sub.add_option("--by", options->by,
                 "session (default), project, agent, day, week or month (a session's first "
                 "activity decides its day)");
  sub.add_option("--repo-map", options->repo_map,
                 "OLD=NEW: read repositories under NEW where the logs say OLD (a moved clone)");
  sub.footer(std::string(kHelp));
  return [options] { return run_outcomes(*options); };
}

}  // namespace tally::cli
