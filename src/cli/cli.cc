// The command line: a static table of commands (ninja's kTools), CLI11 for flags, one place
// that turns errors into exit codes (0 ok, 1 runtime failure, 2 usage), and the only code
// that writes report output.

#include "cli/cli.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "analytics/plans_view.h"
#include "analytics/rollup.h"
#include "analytics/summary.h"
#include "cli/context.h"
#include "cli/prices_command.h"
#include "render/renderer.h"

namespace tally::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

struct Command {
  std::string_view name;
  std::string_view summary;
  std::optional<analytics::Grouping> grouping;  // report commands
};

constexpr Command kCommands[] = {
    {"daily", "usage per day (in --timezone)", analytics::Grouping::day},
    {"weekly", "usage per week, weeks starting on Monday", analytics::Grouping::week},
    {"monthly", "usage per month", analytics::Grouping::month},
    {"sessions", "usage per session, sub-agents rolled into their session",
     analytics::Grouping::session},
    {"models", "usage per agent and model", analytics::Grouping::model},
    {"projects", "usage per project (working directory)", analytics::Grouping::project},
    {"problems", "every log line tally could not use, with file and line", std::nullopt},
    {"prices", "the price table: list, show MODEL, import FILE, check", std::nullopt},
};

// Levenshtein distance, for "did you mean".
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) {
    prev[j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

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

render::Format format_of(const ReportOptions& o) {
  return o.json ? render::Format::json : o.csv ? render::Format::csv : render::Format::table;
}

render::RenderOptions render_options(const ReportOptions& o) {
  render::RenderOptions r;
  const bool tty = isatty(STDOUT_FILENO) != 0;
  const char* no_color = std::getenv("NO_COLOR");
  r.color =
      tty && (no_color == nullptr || *no_color == '\0') && format_of(o) == render::Format::table;
  r.width = tty ? terminal_width() : 0;
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

// Writes warnings to stderr for formats that cannot carry them (CSV).
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

std::string no_logs_message(const Context& ctx) {
  std::string msg = "No agent logs found, and the ledger is empty. Looked in:\n";
  for (const std::string& root : ctx.ingest.roots) {
    msg += fmt::format("  {}\n", root);
  }
  msg +=
      "Set HOME, CLAUDE_CONFIG_DIR, CODEX_HOME or GEMINI_CLI_HOME if your agents log elsewhere.\n";
  return msg;
}

// What every report command starts with: the query, an ingested ledger, and the "no logs"
// answer. Returns an exit status when the command is already finished.
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

int run_report(analytics::Grouping grouping, const ReportOptions& options) {
  std::optional<analytics::ReportQuery> query;
  std::optional<Context> ctx;
  if (auto done = start_report(options, query, ctx)) {
    return *done;
  }
  auto report = analytics::build_report(*ctx->ledger, grouping, *query, *ctx->zone);
  if (!report) {
    return error_exit(report.error());
  }
  auto warned = analytics::add_warnings(*ctx->ledger, analytics::make_filter(*query, *ctx->zone),
                                        ctx->ingest.file_errors, *report, /*pricing=*/false);
  if (!warned) {
    return error_exit(warned.error());
  }
  if (grouping == analytics::Grouping::month) {
    auto planned = analytics::add_monthly_plan_notes(
        *ctx->ledger, ctx->plans, analytics::make_filter(*query, *ctx->zone), *ctx->zone, *report);
    if (!planned) {
      return error_exit(planned.error());
    }
  }
  std::string out;
  render::make_renderer(format_of(options), render_options(options))->render(*report, out);
  if (format_of(options) == render::Format::csv) {
    warnings_to_stderr(*report);
  }
  print(out);
  return kExitOk;
}

int run_summary(const ReportOptions& options) {
  std::optional<analytics::ReportQuery> query;
  std::optional<Context> ctx;
  if (auto done = start_report(options, query, ctx)) {
    return *done;
  }
  const TimeMs now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  auto summary = analytics::build_summary(*ctx->ledger, *query, *ctx->zone, now);
  if (!summary) {
    return error_exit(summary.error());
  }
  auto warned = analytics::add_warnings(*ctx->ledger, analytics::make_filter(*query, *ctx->zone),
                                        ctx->ingest.file_errors, summary->periods,
                                        /*pricing=*/false);
  if (!warned) {
    return error_exit(warned.error());
  }
  const Date today = ctx->zone->local_date(now);
  auto planned = analytics::add_plan_notes(
      *ctx->ledger, ctx->plans, analytics::make_filter(*query, *ctx->zone), *ctx->zone,
      civil_from_days(days_from_civil(today) - 29), today, "last 30 days", summary->periods);
  if (!planned) {
    return error_exit(planned.error());
  }
  const render::Format format = format_of(options);
  render::RenderOptions ro = render_options(options);
  std::string out;
  if (format == render::Format::json) {
    // One JSON document holding the three reports.
    ro.compact = false;
    std::string periods, models, projects;
    auto renderer = render::make_renderer(format, ro);
    renderer->render(summary->periods, periods);
    renderer->render(summary->models, models);
    renderer->render(summary->projects, projects);
    out = fmt::format("{{\n\"periods\": {},\n\"models\": {},\n\"projects\": {}\n}}\n", periods,
                      models, projects);
  } else {
    auto renderer = render::make_renderer(format, ro);
    renderer->render(summary->periods, out);
    if (format == render::Format::table) {
      out += "\n";
      renderer->render(summary->models, out);
      out += "\n";
      renderer->render(summary->projects, out);
      out +=
          "\nMore: tally daily | weekly | monthly | sessions | models | projects   (tally "
          "--help)\n";
    } else {
      warnings_to_stderr(summary->periods);
    }
  }
  print(out);
  return kExitOk;
}

int run_problems(const ReportOptions& options) {
  auto ctx = prepare(options);
  if (!ctx) {
    return error_exit(ctx.error());
  }
  auto problems = ctx->ledger->problems(1000000);
  if (!problems) {
    return error_exit(problems.error());
  }
  std::string out;
  for (const ParseProblem& p : problems->first) {
    out += fmt::format("{}:{}: {}\n", p.file, p.line, p.what);
  }
  for (const ParseProblem& p : ctx->ingest.file_errors) {
    out += fmt::format("{}: {}\n", p.file, p.what);
  }
  if (out.empty()) {
    out = "No problems: every line tally read was usable.\n";
  }
  print(out);
  return kExitOk;
}

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

constexpr std::string_view kFooter = R"(
Every run first reads what is new in the agents' logs into the ledger, then reports from the
ledger, so history survives when the agents delete old logs.

Where tally looks:
  Claude Code  $CLAUDE_CONFIG_DIR (comma list) or ~/.claude and ~/.config/claude
  Codex CLI    $CODEX_HOME or ~/.codex (sessions/ and archived_sessions/)
  Gemini CLI   $GEMINI_CLI_HOME or ~, under .gemini/
  Ledger       $TALLY_DATA_DIR, else $XDG_DATA_HOME/tally, else ~/.local/share/tally

Examples:
  tally                          today, yesterday, 7 and 30 days, top models and projects
  tally daily --since 2026-11-01 --timezone Europe/Berlin
  tally models --json            tokens and cost per agent and model, for scripts
  tally sessions --agent codex --csv > sessions.csv
  tally monthly --speed standard  what the month would have cost without fast mode/priority
  tally prices show claude-opus-4-8
  tally prices check             unpriced models; tally's cost vs the agent's own figure

Costs marked agent-reported come from the agent's own figure (the model is not in tally's
price table); unpriced models are listed in a warning and never shown as a silent $0.
Exit status: 0 ok (warnings included), 1 runtime failure, 2 usage error.)";

}  // namespace

int run_cli(int argc, char** argv) {
  // Unknown commands get a suggestion rather than CLI11's generic complaint.
  if (argc >= 2 && argv[1][0] != '-') {
    const std::string_view word = argv[1];
    bool known = false;
    std::string_view best;
    size_t best_distance = SIZE_MAX;
    for (const Command& c : kCommands) {
      if (c.name == word) {
        known = true;
      }
      const size_t d = edit_distance(word, c.name);
      if (d < best_distance) {
        best_distance = d;
        best = c.name;
      }
    }
    if (!known) {
      if (best_distance <= 3) {
        fmt::print(stderr,
                   "tally: unknown command '{}', did you mean '{}'? (tally --help lists all)\n",
                   word, best);
      } else {
        fmt::print(stderr, "tally: unknown command '{}' (tally --help lists all)\n", word);
      }
      return kExitUsage;
    }
  }

  CLI::App app{"tally: the token ledger for AI coding agents (Claude Code, Codex CLI, Gemini CLI)",
               "tally"};
  app.footer(std::string(kFooter));
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", "tally 0.1.0");
  ReportOptions summary_options;
  add_report_options(app, summary_options);

  std::vector<ReportOptions> options(std::size(kCommands));
  std::vector<CLI::App*> subcommands;
  PricesOptions prices_options;
  std::vector<std::pair<CLI::App*, PricesAction>> prices_actions;
  for (size_t i = 0; i < std::size(kCommands); ++i) {
    CLI::App* sub =
        app.add_subcommand(std::string(kCommands[i].name), std::string(kCommands[i].summary));
    subcommands.push_back(sub);
    if (kCommands[i].name == "prices") {
      sub->require_subcommand(1);
      CLI::App* list = sub->add_subcommand("list", "every model and rate tally prices with");
      list->add_flag("--json", prices_options.json, "print JSON");
      CLI::App* show =
          sub->add_subcommand("show", "how a model name is priced, and its price history");
      show->add_option("model", prices_options.model, "model name as the agent logs it")
          ->required();
      show->add_option("--at", prices_options.at, "the price valid on this day (YYYY-MM-DD)");
      show->add_flag("--json", prices_options.json, "print JSON");
      CLI::App* import = sub->add_subcommand(
          "import",
          "read a LiteLLM model_prices_and_context_window.json or models.dev api.json "
          "(offline) into your table");
      import->add_option("file", prices_options.file, "the JSON file")->required();
      import->add_option("--format", prices_options.format,
                         "litellm or models-dev (default: detected)");
      CLI::App* check = sub->add_subcommand(
          "check", "models without a price, and tally's cost vs the agent's own figure");
      check->add_flag("-q,--quiet", prices_options.quiet, "no progress output on stderr");
      prices_actions = {{list, PricesAction::list},
                        {show, PricesAction::show},
                        {import, PricesAction::import_file},
                        {check, PricesAction::check}};
      continue;
    }
    add_report_options(*sub, options[i]);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }

  try {
    for (size_t i = 0; i < subcommands.size(); ++i) {
      if (subcommands[i]->parsed()) {
        if (kCommands[i].name == "prices") {
          for (const auto& [sub, action] : prices_actions) {
            if (sub->parsed()) {
              return run_prices(action, prices_options);
            }
          }
          return kExitUsage;
        }
        if (kCommands[i].grouping) {
          return run_report(*kCommands[i].grouping, options[i]);
        }
        return run_problems(options[i]);
      }
    }
    return run_summary(summary_options);
  } catch (const std::exception& e) {
    // The one catch-all: std (bad_alloc, filesystem) must not crash the process silently.
    fmt::print(stderr, "tally: error: {}\n", e.what());
    return kExitFailure;
  }
}

}  // namespace tally::cli
