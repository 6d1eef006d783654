// `tally session ID`: the anatomy of one session (analytics/session_view.h), found by the
// start of its id, for Claude, Codex and Gemini alike.

#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "analytics/session_view.h"
#include "analytics/windows.h"
#include "app/outcomes.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "render/session_renderer.h"
#include "render/utf8.h"

namespace tally::cli {
namespace {

constexpr std::string_view kHelp = R"(
ID is a session id or its start (`tally sessions` lists them); a sub-agent's id shows its
parent session. A prefix that matches several sessions is an error listing them.

What it shows:
  start, end   the first and last event of the session and its sub-agents (in --timezone)
  active       the time between events, leaving out every idle gap longer than --idle;
               the longest gaps are listed (--gaps of them)
  prompts      what the user typed: not slash commands (counted apart), command output,
               tool results, injected context or sub-agent notifications
  responses    model responses in the ledger, each counted once (+ unlogged calls: spend
               only the agent's cumulative counter shows, e.g. Claude's /compact summary)
  tokens       per bucket, with each bucket's share of the total: where the tokens went
  cost         the whole tree (session + sub-agents); per user prompt = cost / prompts
  models       per model and reasoning effort
  tools        calls by tool name; edits (Edit/Write/MultiEdit, apply_patch, replace...)
               with the distinct files they touched, shell, web searches and fetches
  compactions  with the context size (tokens) before each: Claude's compactMetadata, for
               Codex the last response's context; Gemini writes no compaction marker
  lines        added/removed, where the agent records them (Claude)
  commits      its commits, checked in their repositories, and PRs (as `tally outcomes`)
  sub-agents   each with its own models, tokens and cost

JSON: one object with every field above (the stable contract). CSV: long form, one row
per item: section,item,metric,value (sections: session, activity, gap, conversation,
tokens, cost, model, tool, file, compaction, lines, subagent, warning).

Examples:
  tally session 5daf8a42                 by the start of the id
  tally session 5daf8a42 --idle 30m      gaps are silences over 30 minutes
  tally session 5daf8a42 --json | jq .tool_calls
  tally session 5daf8a42 --csv > session.csv)";

struct SessionOptions {
  ReportOptions report;
  std::string id;
  std::string idle = "15m";
  size_t gaps = 5;
  std::vector<std::string> repo_map;
};

// The report options that select records by time or project, or price a what-if, make no
// sense for one whole session: the command does not take them.
constexpr std::string_view kNotForOneSession[] = {"--since", "--until", "--project", "--speed"};

int run_session(const SessionOptions& o) {
  if (o.report.format == "html") {
    return error_exit(
        Error{Errc::invalid_argument, "`tally session` prints table, json or csv; not html"});
  }
  auto idle = analytics::parse_duration(o.idle);
  if (!idle) {
    return error_exit(Error{idle.error().code, "--idle: " + idle.error().message});
  }
  std::optional<analytics::ReportQuery> query;
  std::optional<app::Context> ctx;
  if (auto done = start_report(o.report, query, ctx)) {
    return *done;
  }
  analytics::SessionViewOptions options;
  options.idle_limit_ms = *idle;
  options.max_gaps = o.gaps;
  options.agent = query->agent;
  auto anatomy = analytics::build_session_anatomy(*ctx->ledger, o.id, options,
                                                  ctx->zone ? &*ctx->zone : nullptr);
  if (!anatomy) {
    return error_exit(anatomy.error());
  }
  if (Status done = app::add_session_outcomes(*ctx->ledger, o.repo_map, *anatomy); !done) {
    return error_exit(done.error());
  }
  std::string out;
  render::render_session(*anatomy, format_of(o.report), render_options(o.report), out);
  if (format_of(o.report) == render::Format::csv) {
    for (const analytics::Warning& w : anatomy->warnings) {
      fmt::print(stderr, "tally: warning: {}\n", render::terminal_safe(w.message));
    }
  }
  return deliver(o.report, out);
}

}  // namespace

Runner setup_session(CLI::App& sub) {
  auto options = std::make_shared<SessionOptions>();
  sub.add_option("id", options->id, "the session id, or its start")->required();
  add_report_options(sub, options->report);
  for (std::string_view name : kNotForOneSession) {
    sub.remove_option(sub.get_option_no_throw(std::string(name)));
  }
  sub.add_option("--idle", options->idle,
                 "a silence longer than this is a gap, not active time (default 15m)");
  sub.add_option("--gaps", options->gaps, "how many of the longest gaps to list (default 5)");
  sub.add_option("--repo-map", options->repo_map,
                 "OLD=NEW: read repositories under NEW where the logs say OLD (a moved clone)");
  sub.footer(std::string(kHelp));
  return [options] { return run_session(*options); };
}

}  // namespace tally::cli
