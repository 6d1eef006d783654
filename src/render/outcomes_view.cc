// `tally outcomes` as a table, JSON or CSV (render/outcomes_view.h).

#include "render/outcomes_view.h"

#include <fmt/format.h>

#include "render/grid.h"
#include "render/json_writer.h"
#include "render/outcome_json.h"
#include "render/number_format.h"
#include "render/utf8.h"

namespace tally::render {
namespace {

GridCell lines_cell(std::int64_t added, std::int64_t removed) {
  const std::string text = fmt::format("+{} -{}", format_count(added), format_count(removed));
  return GridCell{text, text};
}

// "2", or "2 ?" when the log shows commits that could not be checked (see the warnings).
GridCell commits_cell(const analytics::OutcomeRow& r) {
  GridCell c = count_cell(r.commits);
  if (r.unchecked > 0) {
    c.text += " ?";
  }
  return c;
}

GridCell cost_cell(const analytics::OutcomeRow& r) {
  GridCell c = usd_cell(r.cost_usd);
  if (r.unpriced) {
    c.text += " ?";  // some requests have no price: a floor
  }
  return c;
}

// Cost per merged commit: none for no merged commit (never $0 or infinity); marked "?" as
// the cost is when some requests have no price.
GridCell per_merged_cell(const analytics::OutcomeRow& r) {
  if (r.merged == 0) {
    return null_cell();
  }
  GridCell c = usd_cell(r.cost_usd / static_cast<double>(r.merged));
  if (r.unpriced) {
    c.text += " ?";
  }
  return c;
}

std::string plural(std::int64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", format_count(n), n == 1 ? one : many);
}

Grid session_grid(const analytics::OutcomeReport& report, const Zone& zone) {
  const bool by_session = report.key_name == "session";
  std::string header = report.key_name;
  header[0] = static_cast<char>(header[0] - 'a' + 'A');
  Grid g;
  g.title = by_session
                ? "What each session's spend bought (commits it made, checked in its repository)"
                : fmt::format("What the spend bought, per {} (sessions' own commits, checked in "
                              "their repositories)",
                              report.key_name);
  g.columns = {
      {by_session ? "session" : report.key_name, header, CellType::string, true},
      {"session_id", "Session id", CellType::string, false},
      {"agent", "Agent", CellType::string, by_session},
      {"start", "Start", CellType::string, false},
      {"project", "Project", CellType::string, false},
      {"title", "Title", CellType::string, false},
      {"cost_usd", "Cost", CellType::number, true},
      {"tokens", "Tokens", CellType::integer, false},
      {"commits", "Commits", CellType::integer, true},
      {"unchecked_commits", "Unchecked", CellType::integer, false},
      {"merged", "Merged", CellType::integer, true},
      {"lines", "Lines", CellType::string, true},
      {"lines_added", "Added", CellType::integer, false},
      {"lines_removed", "Removed", CellType::integer, false},
      {"merged_lines_added", "Merged added", CellType::integer, false},
      {"merged_lines_removed", "Merged removed", CellType::integer, false},
      {"reusable_lines", "Reusable", CellType::integer, true},
      {"pull_requests", "PRs", CellType::integer, true},
      {"cost_per_merged_commit", "$/merged", CellType::number, true},
  };
  for (const analytics::OutcomeRow& r : report.rows) {
    g.rows.push_back({
        text_cell(r.short_id),
        text_cell(by_session ? r.session_id : std::string()),
        text_cell(by_session || report.key_name == "agent" ? agent_name(r.agent) : ""),
        short_time_cell(r.first_ts, zone),
        text_cell(r.project),
        text_cell(r.title),
        cost_cell(r),
        count_cell(r.tokens),
        commits_cell(r),
        count_cell(r.unchecked),
        count_cell(r.merged),
        lines_cell(r.lines_added, r.lines_removed),
        count_cell(r.lines_added),
        count_cell(r.lines_removed),
        count_cell(r.merged_lines_added),
        count_cell(r.merged_lines_removed),
        count_cell(r.reusable_lines),
        count_cell(static_cast<std::int64_t>(r.pull_requests.size())),
        per_merged_cell(r),
    });
  }
  g.empty_text = "no sessions in this range";
  return g;
}

// The figures a session row and the totals share.
void figures_json(JsonWriter& w, const analytics::OutcomeRow& r) {
  w.member("cost_usd");
  number_json(w, r.cost_usd);
  w.member("unpriced");
  w.boolean(r.unpriced);
  w.member("total_tokens");
  w.integer(r.tokens);
  w.member("requests");
  w.integer(r.requests);
  w.member("counted_commits");
  w.integer(r.commits);
  w.member("merged_commits");
  w.integer(r.merged);
  w.member("unchecked_commits");
  w.integer(r.unchecked);
  w.member("lines_added");
  w.integer(r.lines_added);
  w.member("lines_removed");
  w.integer(r.lines_removed);
  w.member("merged_lines_added");
  w.integer(r.merged_lines_added);
  w.member("merged_lines_removed");
  w.integer(r.merged_lines_removed);
  w.member("reusable_lines");
  w.integer(r.reusable_lines);
  w.member("pull_requests");
  w.integer(static_cast<std::int64_t>(r.pull_requests.size()));
  w.member("pull_requests_merged");
  w.integer(r.pull_requests_merged);
  w.member("cost_per_merged_commit");
  if (r.merged > 0) {
    number_json(w, r.cost_usd / static_cast<double>(r.merged));
  } else {
    w.null();
  }
  w.member("tokens_per_completed_loop");
  if (r.merged > 0) {
    w.integer(r.loop_tokens / r.merged);
  } else {
    w.null();
  }
  w.member("tail_tokens");
  w.integer(r.tail_tokens);
  w.member("tail_cost_usd");
  number_json(w, r.tail_cost);
}

std::string outcomes_json(const analytics::OutcomeReport& report, const Zone& zone,
                          bool compact) {
  std::string out;
  JsonWriter w(out, compact ? JsonLayout::compact : JsonLayout::pretty);
  w.open('{');
  w.member("timezone");
  w.string(zone.name());
  const bool by_session = report.key_name == "session";
  if (!by_session) {
    w.member("by");
    w.string(report.key_name);
  }
  w.member(by_session ? "sessions" : "groups");
  w.open('[');
  for (const analytics::OutcomeRow& r : report.rows) {
    w.element();
    w.open('{');
    if (by_session) {
      w.member("session_id");
      w.string(r.session_id);
      w.member("session");
      w.string(r.short_id);
      w.member("agent");
      w.string(agent_name(r.agent));
      w.member("project");
      w.string(r.project);
      w.member("title");
      w.string(r.title);
      w.member("repository");
      w.string(r.commit_list.empty() ? std::string() : r.commit_list.front().repository);
    } else {
      w.member("key");
      w.string(r.session_id);
    }
    w.member("start");
    w.string(format_iso8601(r.first_ts));
    w.member("end");
    w.string(format_iso8601(r.last_ts));
    figures_json(w, r);
    if (by_session) {
      w.member("produced_nothing");
      w.boolean(r.no_yield());
    }
    w.member("commits");
    w.open('[');
    for (const CommitOutcome& c : r.commit_list) {
      w.element();
      commit_json(w, c);
    }
    w.close(']');
    w.member("prs");
    w.open('[');
    for (const PullRequestOutcome& pr : r.pull_requests) {
      w.element();
      pull_request_json(w, pr);
    }
    w.close(']');
    w.close('}');
  }
  w.close(']');
  w.member("totals");
  w.open('{');
  w.member("sessions");
  w.integer(report.sessions);
  figures_json(w, report.total);
  w.member("merged_lines_per_dollar");
  if (report.total.cost_usd > 0) {
    number_json(w, static_cast<double>(report.total.merged_lines_added) / report.total.cost_usd);
  } else {
    w.null();
  }
  w.member("sessions_without_commits");
  w.integer(report.sessions_no_yield);
  w.member("cost_without_commits_usd");
  number_json(w, report.cost_no_yield);
  w.close('}');
  w.member("warnings");
  w.open('[');
  for (const OutcomeWarning& warning : report.warnings) {
    w.element();
    w.open('{', JsonLayout::line);
    w.member("kind");
    w.string(warning.kind);
    w.member("session_id");
    w.string(warning.session_id);
    w.member("detail");
    w.string(warning.detail);
    w.close('}');
  }
  w.close(']');
  w.close('}');
  out += "\n";
  return out;
}

std::string warning_text(const OutcomeWarning& w) {
  return fmt::format("{} ({}): {}", w.kind, w.session_id, w.detail);
}

void totals_notes(const analytics::OutcomeReport& report, std::vector<std::string>& notes) {
  const analytics::OutcomeRow& t = report.total;
  const std::string floor = t.unpriced ? " (a floor: some requests have no price)" : "";
  notes.push_back(fmt::format(
      "{}, {}{}: {} ({} merged), +{} -{} lines (+{} merged), {} reusable lines (tests, agent "
      "instructions, harness, CI), {} ({} merged)",
      plural(report.sessions, "session", "sessions"),
      format_usd(t.cost_usd), floor, plural(t.commits, "commit", "commits"), format_count(t.merged),
      format_count(t.lines_added), format_count(t.lines_removed),
      format_count(t.merged_lines_added), format_count(t.reusable_lines),
      plural(static_cast<std::int64_t>(t.pull_requests.size()), "pull request", "pull requests"),
      format_count(t.pull_requests_merged)));
  if (t.merged > 0 && t.cost_usd > 0) {
    notes.push_back(fmt::format(
        "{} per merged commit{}; {:.1f} merged lines added per dollar; {} tokens per completed "
        "loop (the session's tokens from its previous commit to a merged one)",
        format_usd(t.cost_usd / static_cast<double>(t.merged)), t.unpriced ? " (a floor)" : "",
        static_cast<double>(t.merged_lines_added) / t.cost_usd, format_count(t.loop_tokens / t.merged)));
  }
  if (t.unchecked > 0) {
    notes.push_back(fmt::format(
        "?: {} in the logs could not be checked in a repository (see the warnings); those "
        "sessions may have made more",
        plural(t.unchecked, "commit", "commits")));
  }
  notes.push_back(fmt::format("{} committed nothing ({}); spent after a session's last commit "
                              "(all of it without one): {}",
                              plural(report.sessions_no_yield, "session", "sessions"),
                              format_usd(report.cost_no_yield), format_usd(t.tail_cost)));
  notes.push_back(
      "merged: reachable from origin/HEAD, origin/main or origin/master as last fetched "
      "(tally never fetches), or landed there by a squash or rebase merge (same patch id)");
}

}  // namespace

std::string render_outcomes(const analytics::OutcomeReport& report, const Zone& zone,
                            Format format, const RenderOptions& options) {
  Grid sessions = session_grid(report, zone);
  std::string out;
  if (format == Format::json) {
    return outcomes_json(report, zone, options.compact);
  }
  if (format == Format::csv) {
    render_grid_csv(sessions, out);
    return out;
  }
  totals_notes(report, sessions.notes);
  for (const OutcomeWarning& w : report.warnings) {
    sessions.notes.push_back("warning: " + terminal_safe(warning_text(w)));
  }
  render_grid_table(sessions, options, out);
  return out;
}

std::vector<std::string> outcome_warnings(const analytics::OutcomeReport& report) {
  std::vector<std::string> out;
  for (const OutcomeWarning& w : report.warnings) {
    out.push_back(terminal_safe(warning_text(w)));
  }
  return out;
}

}  // namespace tally::render
