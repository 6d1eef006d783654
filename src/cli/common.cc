#include "cli/common.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace tally::cli {
namespace {

std::string no_logs_message(const Context& ctx) {
  std::string msg = "No agent logs found, and the ledger is empty. Looked in:\n";
  for (const std::string& root : ctx.ingest.roots) {
    msg += fmt::format("  {}\n", root);
  }
  msg +=
      "Set HOME, CLAUDE_CONFIG_DIR, CODEX_HOME or GEMINI_CLI_HOME if your agents log elsewhere.\n";
  return msg;
}

}  // namespace

int terminal_width() {
  if (const char* cols = std::getenv("COLUMNS")) {
    const int n = std::atoi(cols);
    if (n > 0) {
      return n;
    }
  }
  struct winsize ws {};
  if (isatty(STDOUT_FILENO) != 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return ws.ws_col;
  }
  return 0;
}

bool use_color() {
  const char* no_color = std::getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) != 0 && (no_color == nullptr || *no_color == '\0');
}

render::Format format_of(const ReportOptions& o) {
  return o.json ? render::Format::json : o.csv ? render::Format::csv : render::Format::table;
}

render::RenderOptions render_options(const ReportOptions& o) {
  render::RenderOptions r;
  r.color = use_color() && format_of(o) == render::Format::table;
  r.width = isatty(STDOUT_FILENO) != 0 ? terminal_width() : 0;
  r.compact = o.compact;
  return r;
}

int error_exit(const Error& e) {
  fmt::print(stderr, "tally: error: {}\n", e.message);
  return e.code == Errc::invalid_argument ? kExitUsage : kExitFailure;
}

Result<analytics::ReportQuery> make_query(const ReportOptions& o) {
  analytics::ReportQuery q;
  if (!o.since.empty()) {
    q.since = parse_date(o.since);
    if (!q.since) {
      return fail(Errc::invalid_argument,
                  fmt::format("--since '{}' is not a date like 2026-11-01", o.since));
    }
  }
  if (!o.until.empty()) {
    q.until = parse_date(o.until);
    if (!q.until) {
      return fail(Errc::invalid_argument,
                  fmt::format("--until '{}' is not a date like 2026-11-30", o.until));
    }
  }
  if (q.since && q.until && *q.until < *q.since) {
    return fail(Errc::invalid_argument, "--until is before --since");
  }
  if (!o.agent.empty()) {
    q.agent = parse_agent(o.agent);
    if (!q.agent) {
      return fail(Errc::invalid_argument,
                  fmt::format("--agent '{}' is not one of claude, codex, gemini", o.agent));
    }
  }
  q.project = o.project;
  if (!o.speed.empty()) {
    if (o.speed != "standard") {
      return fail(Errc::invalid_argument,
                  fmt::format("--speed '{}': the only what-if speed is 'standard'", o.speed));
    }
    q.standard_speed = true;
  }
  return q;
}

void warnings_to_stderr(const analytics::Report& report) {
  for (const analytics::Warning& w : report.warnings) {
    if (w.file.empty()) {
      fmt::print(stderr, "tally: warning: {}\n", w.message);
    } else if (w.line > 0) {
      fmt::print(stderr, "tally: warning: {}:{}: {}\n", w.file, w.line, w.message);
    } else {
      fmt::print(stderr, "tally: warning: {}: {}\n", w.file, w.message);
    }
  }
}

void print(const std::string& out) { std::fwrite(out.data(), 1, out.size(), stdout); }

void add_report_options(CLI::App& app, ReportOptions& o) {
  app.add_option("--since", o.since, "first day to include, YYYY-MM-DD (in --timezone)");
  app.add_option("--until", o.until, "last day to include, YYYY-MM-DD (inclusive)");
  app.add_option(
      "--timezone,--tz", o.timezone,
      "IANA zone for day boundaries, e.g. Europe/Berlin (default: TZ or the system zone)");
  app.add_option("--agent", o.agent, "only this agent: claude, codex or gemini");
  app.add_option("--project", o.project, "only projects whose path contains this text");
  auto* json = app.add_flag("--json", o.json, "print JSON (the stable contract for scripts)");
  auto* csv = app.add_flag("--csv", o.csv, "print CSV (for spreadsheets; warnings go to stderr)");
  json->excludes(csv);
  app.add_flag("--compact", o.compact, "fewer columns (table) or one-line JSON");
  app.add_flag("--no-ingest", o.no_ingest, "report from the ledger without reading new log lines");
  app.add_flag("-q,--quiet", o.quiet, "no progress output on stderr");
  app.add_option("--speed", o.speed,
                 "what-if: 'standard' prices fast-mode and priority requests at standard rates");
}

std::optional<int> start_report(const ReportOptions& options,
                                std::optional<analytics::ReportQuery>& query,
                                std::optional<Context>& ctx) {
  auto q = make_query(options);
  if (!q) {
    return error_exit(q.error());
  }
  query = std::move(*q);
  auto c = prepare(options);
  if (!c) {
    return error_exit(c.error());
  }
  ctx = std::move(*c);
  auto count = ctx->ledger->record_count();
  if (!count) {
    return error_exit(count.error());
  }
  if (*count == 0 && ctx->ingest.files_found == 0 && format_of(options) == render::Format::table) {
    print(no_logs_message(*ctx));
    return kExitOk;
  }
  return std::nullopt;
}

TimeMs now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tally::cli
