// `tally outcomes` as a table, JSON or CSV (render/outcomes_view.h).

#include "render/outcomes_view.h"

#include <fmt/format.h>

#include "render/grid.h"
#include "render/json_writer.h"
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
  Grid g;
  g.title = "What each session's spend bought (commits it made, checked in its repository)";
  g.columns = {
      {"session", "Session", CellType::string, true},
      {"session_id", "Session id", CellType::string, false},
      {"agent", "Agent", CellType::string, true},
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
        text_cell(r.session_id),
        text_cell(agent_name(r.agent)),
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

Grid commit_grid(const analytics::OutcomeReport& report) {
  Grid g;
  g.title = "Commits";
  g.columns = {
      {"session_id", "Session", CellType::string, true},
      {"sha", "Commit", CellType::string, true},
      {"subject", "Subject", CellType::string, true},
      {"state", "State", CellType::string, true},
      {"action", "Action", CellType::string, false},
      {"landed_as", "Landed as", CellType::string, false},
      {"branch", "Branch", CellType::string, false},
      {"repository", "Repository", CellType::string, false},
      {"lines_added", "Added", CellType::integer, true},
      {"lines_removed", "Removed", CellType::integer, true},
      {"files", "Files", CellType::integer, false},
      {"test_lines", "Test", CellType::integer, false},
      {"instruction_lines", "Instructions", CellType::integer, false},
      {"harness_lines", "Harness", CellType::integer, false},
      {"ci_lines", "CI", CellType::integer, false},
      {"logged_at", "Logged", CellType::string, false},
  };
  for (const analytics::OutcomeRow& r : report.rows) {
    for (const CommitOutcome& c : r.commit_list) {
      g.rows.push_back({
          text_cell(r.session_id),
          text_cell(c.sha),
          text_cell(c.subject),
          text_cell(commit_state_name(c.state)),
          text_cell(c.action),
          text_cell(c.landed_as),
          text_cell(c.branch),
          text_cell(c.repository),
          count_cell(c.lines_added),
          count_cell(c.lines_removed),
          count_cell(c.files),
          count_cell(c.class_lines.test),
          count_cell(c.class_lines.instructions),
          count_cell(c.class_lines.harness),
          count_cell(c.class_lines.ci),
          text_cell(format_iso8601(c.ts)),
      });
    }
  }
  return g;
}

std::string warning_text(const OutcomeWarning& w) {
  return fmt::format("{} ({}): {}", w.kind, w.session_id, w.detail);
}

void totals_notes(const analytics::OutcomeReport& report, std::vector<std::string>& notes) {
  const analytics::OutcomeRow& t = report.total;
  const std::string floor = t.unpriced ? " (a floor: some requests have no price)" : "";
  notes.push_back(fmt::format(
      "{}, {}{}: {} ({} merged), +{} -{} lines (+{} merged), {} reusable lines (tests, agent "
      "instructions, harness, CI), {}",
      plural(static_cast<std::int64_t>(report.rows.size()), "session", "sessions"),
      format_usd(t.cost_usd), floor, plural(t.commits, "commit", "commits"), format_count(t.merged),
      format_count(t.lines_added), format_count(t.lines_removed),
      format_count(t.merged_lines_added), format_count(t.reusable_lines),
      plural(static_cast<std::int64_t>(t.pull_requests.size()), "pull request", "pull requests")));
  if (t.merged > 0 && t.cost_usd > 0) {
    notes.push_back(fmt::format(
        "{} per merged commit{}; {} merged lines added per dollar",
        format_usd(t.cost_usd / static_cast<double>(t.merged)), t.unpriced ? " (a floor)" : "",
        fmt::format("{:.1f}", static_cast<double>(t.merged_lines_added) / t.cost_usd)));
  }
  if (t.unchecked > 0) {
    notes.push_back(fmt::format(
        "?: {} in the logs could not be checked in a repository (see the warnings); those "
        "sessions may have made more",
        plural(t.unchecked, "commit", "commits")));
  }
  notes.push_back(fmt::format("{} committed nothing ({})",
                              plural(report.sessions_no_yield, "session", "sessions"),
                              format_usd(report.cost_no_yield)));
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
    std::string session_json;
    render_grid_json(sessions, options.compact, options.compact ? 0 : 1, session_json);
    std::string commit_json;
    render_grid_json(commit_grid(report), options.compact, options.compact ? 0 : 1, commit_json);
    std::string warnings;
    JsonWriter w(warnings, options.compact ? JsonLayout::compact : JsonLayout::pretty, 1);
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
    out = json_object({{"timezone", json_string(zone.name())},
                       {"sessions", session_json},
                       {"commits", commit_json},
                       {"sessions_without_commits", std::to_string(report.sessions_no_yield)},
                       {"warnings", warnings}},
                      options.compact);
    out += "\n";
    return out;
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
