// `tally outcomes` (issue 18): what each session's spend bought: its commits, checked in the
// repositories on this machine, merged or not, their lines, and the sessions with none.

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
Evidence: a session's own commit output (Claude Code's gitOperation, Codex's command output,
Gemini's run_shell_command display) and the PR URLs its `gh pr create` printed, checked in
the repository it ran in (SHA, subject, time). A SHA that only appears in a session (git
log, push ranges, prose) is never evidence. Repositories are only read, never fetched.
  Commits   amended-away commits and reverts do not count
  Merged    reachable from origin/HEAD, origin/main or origin/master, or squash-merged there
  Reusable  changed lines in tests, agent instructions (AGENTS.md, ...), harness, CI
A loop is what a session spent from its previous commit to a merged one; after its last
commit, its tail. Not stored yet: a deleted repository's commits are unchecked ("0 ?").
JSON: sessions[] with commits[] and prs[], totals, warnings. CSV: a line per session.

Examples:
  tally outcomes --since 30d
  tally outcomes --by project --since mtd      per repository: what this month shipped
  tally outcomes --agent codex --json | jq '.sessions[].commits[] | select(.merged)')";

struct OutcomesOptions {
  ReportOptions report;
  std::vector<std::string> repo_map;
  std::string by = "session";
};

int run_outcomes(const OutcomesOptions& o) {
  auto attribute = app::parse_repo_map(o.repo_map);
  if (!attribute) {
    return error_exit(attribute.error());
  }
  const std::optional<analytics::OutcomeGrouping> by = analytics::parse_outcome_grouping(o.by);
  std::optional<analytics::ReportQuery> query;
  std::optional<app::Context> ctx;
  if (auto done = start_report(o.report, query, ctx)) {
    return *done;
  }
  auto report = app::gather_outcomes(*ctx->ledger, analytics::make_filter(*query, *ctx->zone),
                                     *attribute);
  if (!report) {
    return error_exit(report.error());
  }
  *report = analytics::group_outcomes(std::move(*report), *by, *ctx->zone);
  const render::Format format = format_of(o.report);
  const std::string out =
      render::render_outcomes(*report, *ctx->zone, format, render_options(o.report));
  if (format == render::Format::csv) {
    print_warnings(render::outcome_warnings(*report));
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
  sub.add_option("--by", options->by, "session (default), project, agent, day, week or month")
      ->check(CLI::IsMember({"session", "project", "agent", "day", "week", "month"}));
  sub.add_option("--repo-map", options->repo_map,
                 "OLD=NEW: read repositories under NEW where the logs say OLD (a moved clone)");
  sub.footer(std::string(kHelp));
  return [options] { return run_outcomes(*options); };
}

}  // namespace tally::cli
