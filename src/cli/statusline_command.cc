// `tally statusline`: one line for Claude Code's status bar, fast enough for every refresh.
//
// Claude Code runs the command with its hook JSON on stdin (statusline.h). The line shows
// the session's cost from tally's ledger (sub-agents and unlogged calls included), today's
// cost in the local zone, the active 5-hour block's burn rate and the context in use.
//
// Speed: a refresh does not look for new logs everywhere. It reads only this session's
// own files (the transcript and its sub-agent transcripts) from their cursors, and answers
// "today" and the burn rate from the ledger as it is; any other tally command brings the
// whole ledger up to date. A statusline must never spam errors or hang: bad input gives a
// short plain line and exit status 0, and stdin is read with a size cap and a timeout.

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/common.h"
#include "cli/context.h"
#include "cli/statusline.h"
#include "core/agent.h"
#include "ingest/ingest.h"
#include "render/utf8.h"
#include "sources/adapter.h"

namespace tally::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kInputCap = 1 << 20;  // real hook JSON is a few kB
constexpr int kInputTimeoutMs = 1000;

struct StatuslineOptions {
  std::string color = "auto";
  bool json = false;
};

// The session's own log files: the transcript and <dir>/<sid>/subagents/*.jsonl.
std::vector<sources::SourceFile> session_files(const std::string& transcript) {
  std::vector<sources::SourceFile> files;
  std::error_code ec;
  if (transcript.empty() || !fs::is_regular_file(transcript, ec)) {
    return files;
  }
  // The hook's agent: the one whose statusline hook tally serves (core/agent.h).
  const std::optional<Agent> agent = agent_with(&AgentCapabilities::statusline_hook);
  if (!agent) {
    return files;
  }
  const fs::path path(transcript);
  files.push_back({*agent, transcript, path.filename().string(), false, std::nullopt});
  const fs::path subagents = path.parent_path() / path.stem() / "subagents";
  if (fs::is_directory(subagents, ec)) {
    for (const auto& entry : fs::directory_iterator(subagents, ec)) {
      if (entry.path().extension() == ".jsonl" && entry.is_regular_file(ec)) {
        files.push_back(
            {*agent, entry.path().string(), entry.path().filename().string(), false, std::nullopt});
      }
    }
  }
  return files;
}

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
    auto read = read_input(STDIN_FILENO, kInputCap, kInputTimeoutMs);
    if (!read) {
      return soft_fail("tally: no status (unreadable input)", read.error().message);
    }
    input = std::move(*read);
  }
  HookInput hook;
  if (input.find_first_not_of(" \t\r\n") != std::string::npos) {
    auto parsed = parse_hook(input);
    if (!parsed) {
      return soft_fail("tally: no status (input is not statusline JSON)", parsed.error().message);
    }
    hook = std::move(*parsed);
  }

  ReportOptions ro;
  ro.no_ingest = true;
  ro.quiet = true;
  auto ctx = prepare(ro);
  if (!ctx) {
    return soft_fail("tally: no status (ledger unavailable)", ctx.error().message);
  }
  ingest::IngestOptions io;
  io.only_files = session_files(hook.transcript_path);
  if (!io.only_files.empty()) {
    io.env = sources::DiscoveryEnv::from_environment();
    io.identity = ingest::Identity{ctx->config.user, ctx->config.machine, ctx->config.team};
    io.threads = 1;
    auto stats = ingest::run_ingest(*ctx->ledger, *ctx->pricer, sources::all_adapters(), io);
    if (!stats) {
      return soft_fail("tally: no status (ledger unavailable)", stats.error().message);
    }
  }
  auto facts = gather_status(*ctx->ledger, *ctx->zone, hook, now_ms());
  if (!facts) {
    return soft_fail("tally: no status (ledger unavailable)", facts.error().message);
  }
  if (options.json) {
    print(status_json(*facts));
    return kExitOk;
  }
  const bool color = options.color == "always" || (options.color == "auto" && use_color());
  print(format_status(*facts, color) + "\n");
  return kExitOk;
}

}  // namespace

Command make_statusline_command() {
  return Command{
      "statusline", "one line for Claude Code's status bar: session, today, burn rate, context",
      [](CLI::App& sub) {
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
            "For speed it reads only this session's own log files; today and the burn rate\n"
            "come from the ledger as it is, which every other tally command (e.g. `tally`)\n"
            "brings fully up to date.\n\n"
            "Set it up in ~/.claude/settings.json:\n"
            "  \"statusLine\": {\"type\": \"command\", \"command\": \"tally statusline --color "
            "always\"}\n\n"
            "Examples:\n"
            "  echo '{\"session_id\":\"...\",\"transcript_path\":\"...\"}' | tally statusline\n"
            "  tally statusline < /dev/null          today and the burn rate only");
        return [options] { return run_statusline(*options); };
      }};
}

}  // namespace tally::cli
