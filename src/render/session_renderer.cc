#include "render/session_renderer.h"

#include <fmt/format.h>

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"
#include "render/csv_renderer.h"
#include "render/json_writer.h"
#include "render/outcome_json.h"
#include "render/number_format.h"
#include "render/utf8.h"

namespace tally::render {
namespace {

using analytics::Instant;
using analytics::SessionAnatomy;

constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kReset = "\x1b[0m";

// "12.5%"; a share that is not zero but rounds to it reads "<0.1%", not a false "0.0%".
std::string percent(double share) {
  if (share > 0 && share < 0.0005) {
    return "<0.1%";
  }
  return fmt::format("{:.1f}%", share * 100.0);
}

// ---- table ----

class TableWriter {
 public:
  TableWriter(const RenderOptions& options, std::string& out) : options_(options), out_(out) {}

  void heading(std::string_view text) {
    if (!out_.empty()) {
      out_ += '\n';
    }
    if (options_.color) {
      out_ += kBold;
    }
    out_ += text;
    if (options_.color) {
      out_ += kReset;
    }
    out_ += '\n';
  }
  void field(std::string_view name, std::string_view value) {
    out_ += fmt::format("  {:<18} {}\n", name, terminal_safe(value));
  }
  void line(std::string_view text) { out_ += fmt::format("  {}\n", text); }

 private:
  const RenderOptions& options_;
  std::string& out_;
};

std::string tokens_row(std::string_view name, std::int64_t n, double share) {
  return fmt::format("{:<20} {:>15} {:>7}", name, format_count(n), percent(share));
}

void render_table(const SessionAnatomy& a, const RenderOptions& options, std::string& out) {
  TableWriter w(options, out);
  const SessionFacts& f = a.facts;
  w.heading(fmt::format("Session {} ({})", terminal_safe(a.session_id), agent_name(a.agent)));
  if (!a.title.empty()) {
    w.field("Title", a.title);
  }
  w.field("Project", a.project.empty() ? "-" : a.project);
  w.field("Start", a.start.ms == 0 ? "-" : format_local(a.start) + " (" + a.zone + ")");
  w.field("End", a.end.ms == 0 ? "-" : format_local(a.end));
  w.field("Active", fmt::format("{} (idle gaps over {} excluded)", format_duration(a.active_ms),
                                format_duration(a.idle_limit_ms)));
  if (a.gap_count == 0) {
    w.field("Gaps", "none");
  } else {
    w.field("Gaps", fmt::format("{}, {} in total", a.gap_count, format_duration(a.gap_total_ms)));
    for (const analytics::SessionGap& g : a.gaps) {
      w.line(fmt::format("  {:<16} {} -> {}", format_duration(g.duration_ms()),
                         format_local(g.start), format_local(g.end)));
    }
  }

  w.heading("Conversation");
  w.field("User prompts", format_count(f.user_prompts));
  w.field("Commands", format_count(f.commands));
  w.field("Model responses", a.unlogged == 0
                                 ? format_count(a.responses)
                                 : fmt::format("{} (+{} unlogged calls)", format_count(a.responses),
                                               format_count(a.unlogged)));
  w.field("Errors", format_count(f.errors));

  w.heading("Tokens");
  const analytics::TokenShares s = analytics::token_shares(a.totals.tokens);
  const TokenCounts& t = a.totals.tokens;
  w.line(tokens_row("Cache read", t.cache_read, s.cache_read));
  w.line(tokens_row("Fresh input", t.input, s.input));
  w.line(tokens_row("Cache write", t.cache_write, s.cache_write));
  w.line(tokens_row("Output", t.output, s.output));
  if (t.reasoning > 0) {
    w.line(fmt::format("{:<20} {:>15}", "  of which reasoning", format_count(t.reasoning)));
  }
  w.line(tokens_row("Total", t.total(), t.total() > 0 ? 1.0 : 0.0));
  w.field("Cost", format_usd(a.totals.cost_usd));
  w.field("Per user prompt", a.cost_per_prompt ? format_usd(*a.cost_per_prompt) : "-");
  if (!a.subagents.empty()) {
    w.field("Session alone", format_usd(a.own_totals.cost_usd));
  }

  w.heading("Models");
  w.line(fmt::format("{:<28} {:<8} {:>9} {:>15} {:>10}", "Model", "Effort", "Responses", "Tokens",
                     "Cost"));
  for (const analytics::ModelUse& m : a.models) {
    w.line(fmt::format("{:<28} {:<8} {:>9} {:>15} {:>10}", terminal_safe(m.model),
                       m.effort.empty() ? "-" : terminal_safe(m.effort),
                       format_count(m.totals.requests), format_count(m.totals.tokens.total()),
                       format_usd(m.totals.cost_usd)));
  }

  std::int64_t calls = 0;
  for (const auto& [name, count] : f.tool_calls) {
    calls += count;
  }
  w.heading(fmt::format("Tools ({} calls)", format_count(calls)));
  for (const auto& [name, count] : f.tool_calls) {
    w.line(fmt::format("{:<28} {:>9}", terminal_safe(name), format_count(count)));
  }
  const std::int64_t files =
      static_cast<std::int64_t>(f.files_touched.size()) + f.files_touched_more;
  w.field("Edits",
          fmt::format("{} across {} file(s)", format_count(f.edit_calls), format_count(files)));
  w.field("Shell", format_count(f.shell_calls));
  w.field("Web searches", format_count(f.web_searches));
  w.field("Web fetches", format_count(f.web_fetches));
  for (const std::string& path : f.files_touched) {
    w.line(fmt::format("  {}", terminal_safe(path)));
  }
  if (f.files_touched_more > 0) {
    w.line(fmt::format("  ... and {} more", format_count(f.files_touched_more)));
  }

  w.heading("Context");
  std::string sizes;
  for (std::int64_t n : f.compaction_tokens) {
    sizes += sizes.empty() ? "" : ", ";
    sizes += n > 0 ? format_count(n) : "?";
  }
  w.field("Compactions", f.compactions == 0 ? "0"
                                            : fmt::format("{} (tokens before: {})",
                                                          format_count(f.compactions), sizes));
  w.field("Lines",
          agent_info(a.agent).caps.line_counts
              ? fmt::format("+{} -{}", format_count(f.lines_added), format_count(f.lines_removed))
              : "not recorded by this agent");

  if (a.outcomes_checked) {
    w.heading(fmt::format("Commits ({})", a.commits.size()));
    if (a.unchecked_commits > 0) {
      w.line(fmt::format("{} more its logs show could not be checked (see the warnings)",
                         format_count(a.unchecked_commits)));
    } else if (a.commits.empty()) {
      w.line("none its logs show (see `tally outcomes` for what counts)");
    }
    for (const CommitOutcome& c : a.commits) {
      w.line(fmt::format("{:<8} {:<13} +{} -{}  {}", terminal_safe(c.short_sha),
                         commit_state_name(c.state), format_count(c.lines_added),
                         format_count(c.lines_removed), terminal_safe(c.subject)));
    }
    for (const PullRequestOutcome& pr : a.pull_requests) {
      w.line(fmt::format("PR {} {}", terminal_safe(pr.url),
                         !pr.merged ? "(merged: unknown)" : *pr.merged ? "(merged)" : "(open)"));
    }
  }

  if (!a.subagents.empty()) {
    w.heading(fmt::format("Sub-agents ({})", a.subagents.size()));
    for (const analytics::SubAgentUse& sub : a.subagents) {
      w.line(terminal_safe(sub.session_id));
      w.line(fmt::format("  {:<26} {:>9} resp {:>15} tok {:>10}  {} tool calls",
                         terminal_safe(sub.models.empty() ? "-" : sub.models),
                         format_count(sub.totals.requests), format_count(sub.totals.tokens.total()),
                         format_usd(sub.totals.cost_usd), format_count(sub.tool_calls)));
    }
  }
  for (const analytics::Warning& warning : a.warnings) {
    out += fmt::format("warning: {}\n", terminal_safe(warning.message));
  }
}

// ---- JSON ----

void write_instant(JsonWriter& w, std::string_view name, const Instant& t) {
  w.member(name);
  if (t.ms == 0) {
    w.null();
  } else {
    w.string(format_local_iso(t));
  }
}

void write_usd(JsonWriter& w, std::string_view name, double v) {
  w.member(name);
  const std::string d = format_decimal(v);
  if (d.empty()) {
    w.null();
  } else {
    w.raw(d);
  }
}

void write_counts(JsonWriter& w,
                  std::initializer_list<std::pair<std::string_view, std::int64_t>> counts) {
  for (const auto& [name, n] : counts) {
    w.member(name);
    w.integer(n);
  }
}

void write_totals(JsonWriter& w, std::string_view name, const analytics::Totals& t) {
  w.member(name);
  w.open('{');
  write_counts(w, {{"requests", t.requests}});
  w.member("tokens");
  w.open('{');
  write_counts(w, {{"input", t.tokens.input},
                   {"cache_read", t.tokens.cache_read},
                   {"cache_write", t.tokens.cache_write},
                   {"cache_write_1h", t.tokens.cache_write_1h},
                   {"output", t.tokens.output},
                   {"reasoning", t.tokens.reasoning},
                   {"total", t.tokens.total()}});
  w.close('}');
  write_usd(w, "cost_usd", t.cost_usd);
  w.member("cost_source");
  w.string(cost_source_name(t.cost_source));
  write_counts(w, {{"unpriced_requests", t.unpriced_requests}});
  w.close('}');
}

void write_string(JsonWriter& w, std::string_view name, std::string_view text) {
  w.member(name);
  w.string(text);
}

void render_json(const SessionAnatomy& a, std::string& out) {
  const SessionFacts& f = a.facts;
  JsonWriter w(out, JsonLayout::line);
  w.open('{');
  write_string(w, "session_id", a.session_id);
  write_string(w, "agent", agent_name(a.agent));
  write_string(w, "project", a.project);
  write_string(w, "title", a.title);
  write_string(w, "timezone", a.zone);
  write_instant(w, "start", a.start);
  write_instant(w, "end", a.end);
  write_counts(w, {{"active_ms", a.active_ms},
                   {"idle_limit_ms", a.idle_limit_ms},
                   {"gap_count", a.gap_count},
                   {"gap_total_ms", a.gap_total_ms}});
  w.member("longest_gaps");
  w.open('[');
  for (const analytics::SessionGap& g : a.gaps) {
    w.element();
    w.open('{');
    write_instant(w, "start", g.start);
    write_instant(w, "end", g.end);
    write_counts(w, {{"duration_ms", g.duration_ms()}});
    w.close('}');
  }
  w.close(']');
  write_counts(w, {{"user_prompts", f.user_prompts},
                   {"commands", f.commands},
                   {"responses", a.responses},
                   {"responses_in_files", f.responses},
                   {"unlogged_calls", a.unlogged},
                   {"errors", f.errors}});
  write_totals(w, "totals", a.totals);
  write_totals(w, "session_only", a.own_totals);
  const analytics::TokenShares s = analytics::token_shares(a.totals.tokens);
  w.member("token_shares");
  w.open('{');
  for (const auto& [name, share] : {std::pair<std::string_view, double>{"input", s.input},
                                    {"cache_read", s.cache_read},
                                    {"cache_write", s.cache_write},
                                    {"output", s.output}}) {
    w.member(name);
    w.raw(format_decimal(share));
  }
  w.close('}');
  w.member("cost_per_prompt_usd");
  w.raw(a.cost_per_prompt ? format_decimal(*a.cost_per_prompt) : std::string("null"));
  w.member("models");
  w.open('[');
  for (const analytics::ModelUse& m : a.models) {
    w.element();
    w.open('{');
    write_string(w, "model", m.model);
    write_string(w, "effort", m.effort);
    write_totals(w, "totals", m.totals);
    w.close('}');
  }
  w.close(']');
  w.member("tool_calls");
  w.open('{');
  for (const auto& [name, count] : f.tool_calls) {
    write_counts(w, {{name, count}});
  }
  w.close('}');
  write_counts(w, {{"edit_calls", f.edit_calls},
                   {"shell_calls", f.shell_calls},
                   {"web_searches", f.web_searches},
                   {"web_fetches", f.web_fetches}});
  w.member("files_touched");
  w.open('[');
  for (const std::string& path : f.files_touched) {
    w.element();
    w.string(path);
  }
  w.close(']');
  write_counts(w, {{"files_touched_more", f.files_touched_more}, {"compactions", f.compactions}});
  w.member("compaction_pre_tokens");
  w.open('[');
  for (std::int64_t n : f.compaction_tokens) {
    w.element();
    w.integer(n);
  }
  w.close(']');
  if (agent_info(a.agent).caps.line_counts) {
    write_counts(w, {{"lines_added", f.lines_added}, {"lines_removed", f.lines_removed}});
  } else {
    for (std::string_view name : {"lines_added", "lines_removed"}) {
      w.member(name);
      w.null();
    }
  }
  w.member("subagents");
  w.open('[');
  for (const analytics::SubAgentUse& sub : a.subagents) {
    w.element();
    w.open('{');
    write_string(w, "session_id", sub.session_id);
    write_string(w, "models", sub.models);
    write_instant(w, "start", sub.start);
    write_instant(w, "end", sub.end);
    write_totals(w, "totals", sub.totals);
    write_counts(w, {{"tool_calls", sub.tool_calls}});
    w.close('}');
  }
  w.close(']');
  if (a.outcomes_checked) {
    w.member("commits");
    w.open('[');
    for (const CommitOutcome& c : a.commits) {
      w.element();
      commit_json(w, c);
    }
    w.close(']');
    write_counts(w, {{"unchecked_commits", a.unchecked_commits}});
    w.member("prs");
    w.open('[');
    for (const PullRequestOutcome& pr : a.pull_requests) {
      w.element();
      pull_request_json(w, pr);
    }
    w.close(']');
  }
  w.member("warnings");
  w.open('[');
  for (const analytics::Warning& warning : a.warnings) {
    w.element();
    w.open('{');
    write_string(w, "kind", warning.kind);
    write_string(w, "message", warning.message);
    w.close('}');
  }
  w.close(']');
  w.close('}');
  out += "\n";
}

// ---- CSV ----

// The `value` column holds text and numbers: text rows go through append_csv_field (formula
// neutralised), number rows (integers, and decimal() for costs and shares) are numbers.
class CsvWriter {
 public:
  explicit CsvWriter(std::string& out) : out_(out) { out_ += "section,item,metric,value\r\n"; }
  void row(std::string_view section, std::string_view item, std::string_view metric,
           std::string_view value) {
    start(section, item, metric);
    append_csv_field(value, out_);
    out_ += "\r\n";
  }
  void row(std::string_view section, std::string_view item, std::string_view metric,
           std::int64_t value) {
    start(section, item, metric);
    append_csv_number(std::to_string(value), out_);
    out_ += "\r\n";
  }
  // A decimal (format_decimal); nullopt is an empty cell.
  void decimal(std::string_view section, std::string_view item, std::string_view metric,
               std::optional<double> value) {
    start(section, item, metric);
    append_csv_number(value ? format_decimal(*value) : "", out_);
    out_ += "\r\n";
  }

 private:
  void start(std::string_view section, std::string_view item, std::string_view metric) {
    append_csv_field(section, out_);
    out_ += ',';
    append_csv_field(item, out_);
    out_ += ',';
    append_csv_field(metric, out_);
    out_ += ',';
  }

  std::string& out_;
};

void csv_totals(CsvWriter& c, std::string_view section, std::string_view item,
                const analytics::Totals& t) {
  c.row(section, item, "requests", t.requests);
  c.row(section, item, "tokens", t.tokens.total());
  c.decimal(section, item, "cost_usd", t.cost_usd);
}

void render_csv(const SessionAnatomy& a, std::string& out) {
  const SessionFacts& f = a.facts;
  CsvWriter c(out);
  c.row("session", "", "session_id", a.session_id);
  c.row("session", "", "agent", agent_name(a.agent));
  c.row("session", "", "project", a.project);
  c.row("session", "", "title", a.title);
  c.row("session", "", "start", a.start.ms == 0 ? "" : format_local_iso(a.start));
  c.row("session", "", "end", a.end.ms == 0 ? "" : format_local_iso(a.end));
  c.row("activity", "", "active_ms", a.active_ms);
  c.row("activity", "", "idle_limit_ms", a.idle_limit_ms);
  c.row("activity", "", "gap_count", a.gap_count);
  c.row("activity", "", "gap_total_ms", a.gap_total_ms);
  for (size_t i = 0; i < a.gaps.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    c.row("gap", n, "start", format_local_iso(a.gaps[i].start));
    c.row("gap", n, "end", format_local_iso(a.gaps[i].end));
    c.row("gap", n, "duration_ms", a.gaps[i].duration_ms());
  }
  c.row("conversation", "", "user_prompts", f.user_prompts);
  c.row("conversation", "", "commands", f.commands);
  c.row("conversation", "", "responses", a.responses);
  c.row("conversation", "", "unlogged_calls", a.unlogged);
  c.row("conversation", "", "errors", f.errors);
  const analytics::TokenShares s = analytics::token_shares(a.totals.tokens);
  const TokenCounts& t = a.totals.tokens;
  const std::pair<std::string_view, std::pair<std::int64_t, double>> buckets[] = {
      {"input", {t.input, s.input}},
      {"cache_read", {t.cache_read, s.cache_read}},
      {"cache_write", {t.cache_write, s.cache_write}},
      {"output", {t.output, s.output}}};
  for (const auto& [name, value] : buckets) {
    c.row("tokens", name, "tokens", value.first);
    c.decimal("tokens", name, "share", value.second);
  }
  c.row("tokens", "reasoning", "tokens", t.reasoning);
  c.row("tokens", "total", "tokens", t.total());
  c.decimal("cost", "", "cost_usd", a.totals.cost_usd);
  c.decimal("cost", "", "session_only_usd", a.own_totals.cost_usd);
  c.decimal("cost", "", "per_prompt_usd", a.cost_per_prompt);
  for (const analytics::ModelUse& m : a.models) {
    const std::string item = m.effort.empty() ? m.model : m.model + " (" + m.effort + ")";
    csv_totals(c, "model", item, m.totals);
  }
  for (const auto& [name, count] : f.tool_calls) {
    c.row("tool", name, "calls", count);
  }
  c.row("tool", "(edits)", "calls", f.edit_calls);
  c.row("tool", "(shell)", "calls", f.shell_calls);
  c.row("tool", "(web searches)", "calls", f.web_searches);
  c.row("tool", "(web fetches)", "calls", f.web_fetches);
  for (const std::string& p : f.files_touched) {
    c.row("file", p, "touched", 1);
  }
  if (f.files_touched_more > 0) {
    c.row("file", "(more)", "touched", f.files_touched_more);
  }
  for (size_t i = 0; i < f.compaction_tokens.size(); ++i) {
    c.row("compaction", std::to_string(i + 1), "pre_tokens", f.compaction_tokens[i]);
  }
  if (agent_info(a.agent).caps.line_counts) {
    c.row("lines", "", "added", f.lines_added);
    c.row("lines", "", "removed", f.lines_removed);
  }
  for (const analytics::SubAgentUse& sub : a.subagents) {
    c.row("subagent", sub.session_id, "models", sub.models);
    csv_totals(c, "subagent", sub.session_id, sub.totals);
    c.row("subagent", sub.session_id, "tool_calls", sub.tool_calls);
  }
  for (const CommitOutcome& commit : a.commits) {
    c.row("commit", commit.sha, "state", commit_state_name(commit.state));
    c.row("commit", commit.sha, "lines_added", commit.lines_added);
    c.row("commit", commit.sha, "lines_removed", commit.lines_removed);
  }
  for (const PullRequestOutcome& pr : a.pull_requests) {
    c.row("pr", pr.url, "merged", !pr.merged ? "unknown" : *pr.merged ? "true" : "false");
  }
  for (const analytics::Warning& warning : a.warnings) {
    c.row("warning", warning.kind, "message", warning.message);
  }
}

}  // namespace

std::string format_local(const Instant& t) {
  const std::int64_t local_s = t.ms / 1000 + t.utc_offset_s;
  const std::int64_t day = local_s >= 0 ? local_s / 86400 : (local_s - 86399) / 86400;
  const std::int64_t sec = local_s - day * 86400;
  return fmt::format("{} {:02}:{:02}:{:02}", format_date(civil_from_days(static_cast<long>(day))),
                     sec / 3600, sec / 60 % 60, sec % 60);
}

std::string format_local_iso(const Instant& t) {
  std::string out = format_local(t);
  out[10] = 'T';
  const long off = t.utc_offset_s;
  const long abs = off < 0 ? -off : off;
  return out + fmt::format("{}{:02}:{:02}", off < 0 ? '-' : '+', abs / 3600, abs / 60 % 60);
}

std::string format_duration(std::int64_t ms) {
  // The larger unit and, unless it is zero, the next one: "15m", "12m 05s", "2d 4h".
  const std::int64_t s = ms / 1000;
  auto two = [](std::int64_t big, char big_unit, std::int64_t small, char small_unit) {
    return small == 0 ? fmt::format("{}{}", big, big_unit)
                      : fmt::format("{}{} {:02}{}", big, big_unit, small, small_unit);
  };
  if (s < 60) {
    return fmt::format("{}s", s);
  }
  if (s < 3600) {
    return two(s / 60, 'm', s % 60, 's');
  }
  if (s < 86400) {
    return two(s / 3600, 'h', s / 60 % 60, 'm');
  }
  return two(s / 86400, 'd', s / 3600 % 24, 'h');
}

void render_session(const SessionAnatomy& a, Format format, const RenderOptions& options,
                    std::string& out) {
  std::string text;
  // Formats without a session view of their own (HTML) get the table.
  if (format == Format::json) {
    render_json(a, text);
  } else if (format == Format::csv) {
    render_csv(a, text);
  } else {
    render_table(a, options, text);
  }
  out += sanitize_utf8(text);
}

}  // namespace tally::render
