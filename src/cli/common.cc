#include "cli/common.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "app/atomic_file.h"
#include "app/clock.h"
#include "render/utf8.h"

namespace tally::cli {
namespace {

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
  if (const auto format = render::parse_format(o.format)) {
    return *format;  // add_report_options admits only valid names
  }
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
  // Messages quote paths and names from the logs; they reach a terminal escaped.
  fmt::print(stderr, "tally: error: {}\n", render::terminal_safe(e.message));
  return e.code == Errc::invalid_argument ? kExitUsage : kExitFailure;
}

Result<analytics::ReportQuery> make_query(const ReportOptions& o) {
  return analytics::parse_query({o.since, o.until, o.agent, o.project, o.speed, o.breakdown});
}

void print_warnings(const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    fmt::print(stderr, "tally: warning: {}\n", line);
  }
}

void print(const std::string& out) { std::fwrite(out.data(), 1, out.size(), stdout); }

int deliver(const ReportOptions& o, const std::string& out) {
  if (o.output.empty()) {
    print(out);
    return kExitOk;
  }
  auto written = app::write_file_atomically(o.output, out);
  if (!written) {
    return error_exit(written.error());
  }
  return kExitOk;
}

void add_report_options(CLI::App& app, ReportOptions& o) {
  app.add_option("--since", o.since,
                 fmt::format("first day to include (in --timezone): {}", kDayForms));
  app.add_option("--until", o.until,
                 "last day to include, inclusive: the same forms (last-month: its last day)");
  app.add_option(
      "--timezone,--tz", o.timezone,
      "zone for day boundaries, in any form TZ takes: Europe/Berlin, :/etc/localtime or a "
      "POSIX rule such as CET-1CEST,M3.5.0,M10.5.0/3 (default: TZ or the system zone)");
  app.add_option("--agent", o.agent, "only this agent: " + agent_names(" or "));
  app.add_option("--project", o.project, "only projects whose path contains this text");
  auto* json = app.add_flag("--json", o.json, "print JSON (the stable contract for scripts)");
  auto* csv = app.add_flag("--csv", o.csv, "print CSV (for spreadsheets; warnings go to stderr)");
  json->excludes(csv);
  auto* format = app.add_option("--format", o.format,
                                "output format: table, json, csv or html (html: one offline page "
                                "with SVG charts; e.g. tally --format html -o usage.html)")
                     ->check(CLI::IsMember({"table", "json", "csv", "html"}));
  format->excludes(json)->excludes(csv);
  app.add_option("-o,--output", o.output,
                 "write the output to this file (replaced atomically) instead of stdout");
  app.add_flag("--compact", o.compact, "fewer columns (table) or one-line JSON");
  app.add_flag("--no-ingest", o.no_ingest, "report from the ledger without reading new log lines");
  app.add_flag("-q,--quiet", o.quiet, "no progress output on stderr");
  app.add_option("--speed", o.speed,
                 "what-if: 'standard' prices fast-mode and priority requests at standard rates");
  app.add_flag("--demo", o.demo, "report on the synthetic demo data of `tally demo`, not yours");
}

std::optional<int> start_report(const ReportOptions& options,
                                std::optional<analytics::ReportQuery>& query,
                                std::optional<app::Context>& ctx, bool html_and_output) {
  const bool html = format_of(options) == render::Format::html;
  if (!html_and_output && (html || !options.output.empty())) {
    return error_exit(Error{Errc::invalid_argument,
                            "--format html and -o/--output work with tally (the summary), daily, "
                            "weekly, monthly, sessions, models and projects; not here yet"});
  }
  auto q = make_query(options);
  if (!q) {
    return error_exit(q.error());
  }
  query = std::move(*q);
  auto c = app::prepare(context_options(options), terminal_observer(options.quiet));
  if (!c) {
    return error_exit(c.error());
  }
  ctx = std::move(*c);
  // Relative days, in the zone the report is in, as of the views' now (TALLY_NOW pins it).
  auto now = app::view_now();
  if (!now) {
    return error_exit(now.error());
  }
  const Date today = ctx->zone->local_date(*now);
  if (!options.since.empty()) {
    query->since = parse_day(options.since, today);
  }
  if (!options.until.empty()) {
    query->until = parse_day(options.until, today, /*last=*/true);
  }
  if (query->since && query->until && *query->until < *query->since) {
    return error_exit(Error{Errc::invalid_argument,
                            fmt::format("--until ({}) is before --since ({})",
                                        format_date(*query->until), format_date(*query->since))});
  }
  // No logs and an empty ledger: say where tally looked instead of printing an empty
  // table. The count is a scan of an index, so it is taken only when no log was found.
  if (ctx->ingest.files_found == 0 && format_of(options) == render::Format::table) {
    auto count = ctx->ledger->record_count();
    if (!count) {
      return error_exit(count.error());
    }
    if (*count == 0) {
      print(app::no_logs_message(*ctx));
      return kExitOk;
    }
  }
  return std::nullopt;
}

app::ContextOptions context_options(const ReportOptions& o) {
  return app::ContextOptions{o.timezone, o.demo, o.no_ingest};
}

app::Observer terminal_observer(bool quiet) {
  app::Observer o;
  o.note = [](std::string_view text) { fmt::print(stderr, "tally: note: {}\n", text); };
  if (quiet || isatty(STDERR_FILENO) == 0) {
    return o;
  }
  auto printed = std::make_shared<bool>(false);
  o.progress = [printed](std::int64_t done, std::int64_t total) {
    // Only worth a line when there is real work (a cold start over a big history).
    if (total < 200) {
      return;
    }
    fmt::print(stderr, "\rtally: reading agent logs: {}/{} files", done, total);
    std::fflush(stderr);
    *printed = true;
  };
  o.done = [printed] {
    if (*printed) {
      fmt::print(stderr, "\r\033[K");
    }
  };
  return o;
}

}  // namespace tally::cli
