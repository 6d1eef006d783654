// The command line: a static table of commands (ninja's kTools), CLI11 for flags, one place
// that turns errors into exit codes (0 ok, 1 runtime failure, 2 usage), and the only code
// that writes report output.

#include "cli/cli.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "analytics/plans_view.h"
#include "analytics/rollup.h"
#include "analytics/summary.h"
#include "cli/command.h"
#include "cli/common.h"
#include "cli/context.h"
#include "cli/prices_command.h"
#include "cli/summary_command.h"
#include "core/agent.h"
#include "render/problems_renderer.h"
#include "render/renderer.h"
#include "render/utf8.h"

namespace tally::cli {
namespace {

// The commands cli.cc runs itself: the reports over one grouping, problems and prices.
struct BuiltinCommand {
  std::string_view name;
  std::string_view summary;
  std::optional<analytics::Grouping> grouping;  // report commands
};

constexpr BuiltinCommand kCommands[] = {
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

int run_report(analytics::Grouping grouping, const ReportOptions& options) {
  std::optional<analytics::ReportQuery> query;
  std::optional<Context> ctx;
  if (auto done = start_report(options, query, ctx, /*html_and_output=*/true)) {
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
  return deliver(options, out);
}

// The ledger's problems (lines, from every run), then the files this run could not read.
// Table, JSON or CSV (render/problems_renderer.h); -o writes a file like the reports.
int run_problems(const ReportOptions& options) {
  const render::Format format = format_of(options);
  if (format == render::Format::html) {
    return error_exit(
        Error{Errc::invalid_argument, "tally problems prints table, json or csv; not html"});
  }
  auto ctx = prepare(options);
  if (!ctx) {
    return error_exit(ctx.error());
  }
  auto problems = ctx->ledger->problems(1000000);
  if (!problems) {
    return error_exit(problems.error());
  }
  std::vector<ParseProblem> all = std::move(problems->first);
  all.insert(all.end(), ctx->ingest.file_errors.begin(), ctx->ingest.file_errors.end());
  std::string out;
  render::render_problems(all, format, render_options(options), out);
  return deliver(options, out);
}

constexpr std::string_view kFooterHead = R"(
Every run first reads what is new in the agents' logs into the ledger, then reports from the
ledger, so history survives when the agents delete old logs.

Where tally looks:
)";

constexpr std::string_view kFooterTail =
    R"(  Ledger       $TALLY_DATA_DIR, else $XDG_DATA_HOME/tally, else ~/.local/share/tally

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

// The footer, with one line per agent of the registry (core/agent.h) saying where it looks.
std::string footer() {
  std::string out(kFooterHead);
  for (Agent agent : registered_agents()) {
    const AgentInfo& info = agent_info(agent);
    out += fmt::format("  {:<13}{}\n", info.label, info.where);
  }
  return out + std::string(kFooterTail);
}

// "(Claude Code, Codex CLI, Gemini CLI)": the registry's agents.
std::string agent_labels() {
  std::string out;
  for (Agent agent : registered_agents()) {
    out += fmt::format("{}{}", out.empty() ? "" : ", ", agent_info(agent).label);
  }
  return out;
}

}  // namespace

int run_cli(int argc, char** argv) {
  // Unknown commands get a suggestion rather than CLI11's generic complaint.
  const std::vector<Command> extras = extra_commands();
  if (argc >= 2 && argv[1][0] != '-') {
    const std::string_view word = argv[1];
    bool known = false;
    std::string_view best;
    size_t best_distance = SIZE_MAX;
    auto consider = [&](std::string_view name) {
      if (name == word) {
        known = true;
      }
      const size_t d = edit_distance(word, name);
      if (d < best_distance) {
        best_distance = d;
        best = name;
      }
    };
    for (const BuiltinCommand& c : kCommands) {
      consider(c.name);
    }
    for (const Command& c : extras) {
      consider(c.name);
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

  CLI::App app{fmt::format("tally: the token ledger for AI coding agents ({})", agent_labels()),
               "tally"};
  app.footer(footer());
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
  std::vector<std::pair<CLI::App*, std::function<int()>>> extra_runs;
  for (const Command& c : extras) {
    CLI::App* sub = app.add_subcommand(std::string(c.name), std::string(c.summary));
    extra_runs.emplace_back(sub, c.setup(*sub));
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
    for (const auto& [sub, run] : extra_runs) {
      if (sub->parsed()) {
        return run();
      }
    }
    return run_summary(summary_options);
  } catch (const std::exception& e) {
    // The one catch-all: std (bad_alloc, filesystem) must not crash the process silently.
    // what() may name a path from the logs (filesystem_error).
    fmt::print(stderr, "tally: error: {}\n", render::terminal_safe(e.what()));
    return kExitFailure;
  }
}

}  // namespace tally::cli
