// `tally statusline`: one line for Claude Code's status bar, fast enough for every refresh.
//
// Claude Code runs the command with its hook JSON on stdin (sources/claude_hook.h). The line shows
// the session's cost from tally's ledger (sub-agents and unlogged calls included), today's
// cost in the local zone, the active 5-hour block's burn rate and the context in use.
//
// app/status.h gathers the facts, reading what changed in the recent logs only. A
// statusline must never spam errors or hang: bad input gives a short plain line and exit
// status 0, and stdin is read with a size cap and a timeout.

#include <fmt/format.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "app/status.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "render/status_renderer.h"
#include "render/utf8.h"
#include "sources/claude_hook.h"

namespace tally::cli {
namespace {

constexpr std::size_t kInputCap = 1 << 20;  // real hook JSON is a few kB
constexpr int kInputTimeoutMs = 1000;

struct StatuslineOptions {
  std::string color = "auto";
  bool json = false;
};

// A statusline prints one short line whatever happens; details go to stderr, which Claude
// Code does not show.
int soft_fail(std::string_view line, const std::string& detail) {
  fmt::print("{}\n", line);
  if (!detail.empty()) {
    fmt::print(stderr, "tally: statusline: {}\n", render::terminal_safe(detail));
  }
  return kExitOk;
}

int run_statusline(const StatuslineOptions& options) {
  std::string input;
  if (isatty(STDIN_FILENO) == 0) {
    auto read = sources::read_input(STDIN_FILENO, kInputCap, kInputTimeoutMs);
    if (!read) {
      return soft_fail("tally: no status (unreadable input)", read.error().message);
    }
    input = std::move(*read);
  }
  sources::HookInput hook;
  if (input.find_first_not_of(" \t\r\n") != std::string::npos) {
    auto parsed = sources::parse_hook(input);
    if (!parsed) {
      return soft_fail("tally: no status (input is not statusline JSON)", parsed.error().message);
    }
    hook = std::move(*parsed);
  }

  auto facts = app::session_status(hook);
  if (!facts) {
    return soft_fail("tally: no status (ledger unavailable)", facts.error().message);
  }
  if (options.json) {
    print(render::status_json(*facts));
    return kExitOk;
  }
  const bool color = options.color == "always" || (options.color == "auto" && use_color());
  print(render::format_status(*facts, color) + "\n");
  return kExitOk;
}

}  // namespace

Runner setup_statusline(CLI::App& sub) {
  auto options = std::make_shared<StatuslineOptions>();
  sub.add_option("--color", options->color,
                 "always, never or auto (auto: only on a terminal, and not with NO_COLOR; "
                 "Claude Code shows ANSI colours, so use always there)")
      ->check(CLI::IsMember({"always", "never", "auto"}));
  sub.add_flag("--json", options->json, "print the facts as one JSON object");
  sub.footer(
      "Reads Claude Code's statusline JSON on stdin and prints one line, e.g.\n"
      "  Opus · $4.12 session · $38.90 today · $12.40/h · ctx 61% (122k/200k)\n"
      "session: tally's cost of this session, sub-agents and unlogged calls included;\n"
      "today: every agent since local midnight; $/h: the burn rate of the active 5-hour\n"
      "block (tally blocks); ctx: the last response's input + cache tokens against the\n"
      "model's context window (no percentage when tally does not know the window).\n"
      "\"+?\" marks spend with no price (see tally prices check).\n\n"
      "Every refresh reads what is new in this session's files and in every log written\n"
      "in the last 6 hours (other sessions and agents included). It looks for new log\n"
      "files in the directories of those logs, and walks every log directory at least\n"
      "every 10 minutes. Until then it misses only lines added to logs idle for over 6\n"
      "hours, and new files where no recent log is.\n\n"
      "Set it up in ~/.claude/settings.json:\n"
      "  \"statusLine\": {\"type\": \"command\", \"command\": \"tally statusline --color "
      "always\"}\n\n"
      "Examples:\n"
      "  echo '{\"session_id\":\"...\",\"transcript_path\":\"...\"}' | tally statusline\n"
      "  tally statusline < /dev/null          today and the burn rate only");
  return [options] { return run_statusline(*options); };
}

}  // namespace tally::cli
