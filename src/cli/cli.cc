// The command line: one static table of commands (ninja's kTools), CLI11 for flags, "did you
// mean" for unknown commands, and the one place that turns exceptions and parse errors into
// exit codes (0 ok, 1 runtime failure, 2 usage). Each command is a file of its own
// (commands.h).

#include "cli/cli.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>

#include "app/config.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "core/agent.h"
#include "core/closest_word.h"
#include "render/number_format.h"
#include "render/utf8.h"

namespace tally::cli {
namespace {

using analytics::Grouping;

struct Command {
  std::string_view name;
  std::string_view summary;
  Runner (*setup)(CLI::App& sub);
};

// Every command, in `--help` order.
constexpr Command kCommands[] = {
    {"daily", "usage per day (in --timezone)",
     [](CLI::App& s) { return setup_report(s, Grouping::day); }},
    {"weekly", "usage per week, weeks starting on Monday",
     [](CLI::App& s) { return setup_report(s, Grouping::week); }},
    {"monthly", "usage per month", [](CLI::App& s) { return setup_report(s, Grouping::month); }},
    {"sessions", "usage per session, sub-agents rolled into their session",
     [](CLI::App& s) { return setup_report(s, Grouping::session); }},
    {"models", "usage per agent and model",
     [](CLI::App& s) { return setup_report(s, Grouping::model); }},
    {"projects", "usage per project (working directory)",
     [](CLI::App& s) { return setup_report(s, Grouping::project); }},
    {"problems", "every log line tally could not use, with file and line", &setup_problems},
    {"prices", "the price table: list, show MODEL, import FILE, check", &setup_prices},
    {"watch", "a live panel: today, the active 5-hour block, sessions in flight", &setup_watch},
    {"statusline", "one line for Claude Code's status bar: session, today, burn rate, context",
     &setup_statusline},
    {"demo", "fill a separate demo ledger with a synthetic month, to try every view", &setup_demo},
    {"windows", "rolling windows ending now (24h, 7d, 30d, or any --window list)", &setup_windows},
    {"blocks", "5-hour windows with burn rate ($/h, tokens/min) and projection", &setup_blocks},
    {"concurrency", "sessions in flight: max and mean per day and project, busiest hours",
     &setup_concurrency},
    {"session", "the anatomy of one session: time, prompts, tools, tokens, cost, sub-agents",
     &setup_session},
    {"outcomes", "what the spend bought: each session's commits, merged lines and PRs",
     &setup_outcomes},
    {"doctor", "check the ledger: damaged, out of step, or fine; and what to do", &setup_doctor},
    {"rebuild", "a new ledger from the logs that still exist; the old one kept beside it",
     &setup_rebuild},
};

// Unknown commands get a suggestion rather than CLI11's generic complaint. Returns whether
// `word` is a command.
bool known_command(std::string_view word) {
  std::vector<std::string_view> names;
  for (const Command& c : kCommands) {
    if (c.name == word) {
      return true;
    }
    names.push_back(c.name);
  }
  const auto near = closest_word(word, names, 3);
  fmt::print(stderr, "tally: unknown command '{}'{} (tally --help lists all)\n", word,
             near ? fmt::format(", did you mean '{}'?", *near) : "");
  return false;
}

constexpr std::string_view kFooterHead = R"(
Every run first reads what is new in the agents' logs into the ledger, then reports from the
ledger, so history survives when the agents delete old logs.

Where tally looks:
)";

constexpr std::string_view kFooterTail =
    R"(  Ledger       $TALLY_DATA_DIR, else $XDG_DATA_HOME/tally, else ~/.local/share/tally

Examples:
  tally                          today, yesterday, last 24 h / 7 d / 30 d, top models, projects
  tally --since 2026-11-01 --until 2026-11-30 --format html -o nov.html   November, charted
  tally daily --since 2026-11-01 --timezone Europe/Berlin
  tally daily --breakdown --since 7d   each day, then a line per model adding up to it
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
  if (argc >= 2 && argv[1][0] != '-' && !known_command(argv[1])) {
    return kExitUsage;
  }
  CLI::App app{fmt::format("tally: the token ledger for AI coding agents ({})", agent_labels()),
               "tally"};
  app.footer(footer());
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", "tally 0.1.0");
  const Runner summary = setup_summary(app);
  std::vector<std::pair<CLI::App*, Runner>> runs;
  for (const Command& c : kCommands) {
    CLI::App* sub = app.add_subcommand(std::string(c.name), std::string(c.summary));
    runs.emplace_back(sub, c.setup(*sub));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }

  // One money format for every view: the config's decimals. A config that does not load
  // is reported by the command itself (app::prepare), with its own exit status.
  if (auto config = app::load_config()) {
    render::set_money_decimals(config->money_decimals);
  }

  try {
    for (const auto& [sub, run] : runs) {
      if (sub->parsed()) {
        return run();
      }
    }
    return summary();
  } catch (const std::exception& e) {
    // The one catch-all: std (bad_alloc, filesystem) must not crash the process silently.
    // what() may name a path from the logs (filesystem_error).
    fmt::print(stderr, "tally: error: {}\n", render::terminal_safe(e.what()));
    return kExitFailure;
  }
}

}  // namespace tally::cli
