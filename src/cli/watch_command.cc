// `tally watch`: a live panel (today so far, the active 5-hour block with its burn rate and
// projection, sessions in flight, the last few sessions) that refreshes when the agents
// write to their logs.
//
// Idle cost is the design constraint (under 1% of a core at rest): the process sleeps in
// poll() on inotify (app/live_ingest.h) and wakes only for a log change, for the clock
// tick (every 30 s, so the block and "in flight" age honestly), or for Ctrl-C. A change
// runs an ordinary incremental ingest (stat-only for unchanged files, new lines only).
// On a terminal the panel is redrawn in place on the alternate screen, which is restored on
// exit; elsewhere (a pipe, a file) a snapshot is printed first and then once per change that
// brought new records, separated by a blank line (--json: one JSON object per line).
// analytics/watch.h computes the panel and render/watch_renderer.h draws it.

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "analytics/watch.h"
#include "app/clock.h"
#include "app/context.h"
#include "app/live_ingest.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "render/utf8.h"
#include "render/watch_renderer.h"
#include "sources/dir_watcher.h"

namespace tally::cli {
namespace {

constexpr int kClockTickMs = 30 * 1000;
constexpr int kDebounceMs = 300;

// The self-pipe Ctrl-C writes to, so the poll() in DirWatcher::wait wakes at once. A signal
// handler can reach nothing else.
int g_stop_pipe[2] = {-1, -1};

void on_stop_signal(int) {
  const char byte = 1;
  [[maybe_unused]] const ssize_t n = ::write(g_stop_pipe[1], &byte, 1);
}

struct WatchOptions {
  ReportOptions report;
  std::string interval = "2s";
};

// "2s", "500ms", "1m" -> milliseconds.
Result<int> parse_interval(const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    ++digits;
  }
  const std::string unit = text.substr(digits);
  const long n = digits == 0 || digits > 6 ? 0 : std::stol(text.substr(0, digits));
  const long ms = unit == "ms" ? n : unit == "s" ? n * 1000 : unit == "m" ? n * 60000 : 0;
  if (ms < 100 || ms > 3'600'000) {
    return fail(Errc::invalid_argument,
                fmt::format("--interval '{}' is not a duration like 2s, 500ms or 1m "
                            "(100ms to 60m)",
                            text));
  }
  return static_cast<int>(ms);
}

// Ctrl-C, SIGTERM and SIGHUP write to g_stop_pipe from now on. False when the pipe cannot
// be made.
bool catch_stop_signals() {
  if (::pipe(g_stop_pipe) != 0) {
    return false;
  }
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    ::sigaction(sig, &sa, nullptr);
  }
  return true;
}

// Sleeps until something worth a new snapshot happens: on a terminal, any change or the
// clock tick; piped, a change that brought new records. False when told to stop.
bool sleep_until_news(app::LiveIngest& live, bool tty) {
  for (;;) {
    const sources::DirWatcher::Wake wake = live.wait(kClockTickMs, kDebounceMs, g_stop_pipe[0]);
    if (wake == sources::DirWatcher::Wake::interrupted) {
      return false;
    }
    if (wake == sources::DirWatcher::Wake::timeout) {
      if (tty) {
        return true;  // the clock moved: redraw
      }
      continue;  // pipes get a snapshot per change, not per tick
    }
    auto stats = live.ingest();
    if (!stats) {
      fmt::print(stderr, "tally: warning: ingest failed: {}\n",
                 render::terminal_safe(stats.error().message));
      continue;
    }
    if (tty || stats->records > 0) {
      return true;
    }
  }
}

int run_watch(const WatchOptions& options) {
  auto interval = parse_interval(options.interval);
  if (!interval) {
    return error_exit(interval.error());
  }
  if (!options.report.since.empty() || !options.report.until.empty()) {
    return error_exit(Error{Errc::invalid_argument,
                            "tally watch shows now: --since/--until do not apply (try tally "
                            "daily --since ...)"});
  }
  if (options.report.csv || !options.report.format.empty() || !options.report.output.empty()) {
    return error_exit(Error{Errc::invalid_argument,
                            "tally watch draws a live panel: --csv, --format and -o do not "
                            "apply (--json gives one object per line)"});
  }
  auto query = make_query(options.report);
  if (!query) {
    return error_exit(query.error());
  }
  auto ctx = app::prepare(context_options(options.report), terminal_observer(options.report.quiet));
  if (!ctx) {
    return error_exit(ctx.error());
  }
  // --agent/--project filter the live view.
  store::RecordFilter base;
  base.agent = query->agent;
  base.project = query->project;

  app::LiveIngest live(*ctx, *interval);

  if (!catch_stop_signals()) {
    return error_exit(Error{Errc::io, "cannot create a pipe for signals"});
  }

  const bool json = options.report.json;
  const bool tty = !json && isatty(STDOUT_FILENO) != 0;
  const bool color = tty && use_color();
  if (tty) {
    print("\033[?1049h\033[?25l");  // alternate screen, cursor hidden
  }
  int status = kExitOk;
  bool first = true;
  for (;;) {
    auto panel = analytics::build_watch_panel(*ctx->ledger, *ctx->zone, base, app::now_ms());
    if (!panel) {
      status = error_exit(panel.error());
      break;
    }
    if (tty) {
      print("\033[H\033[2J" + render::panel_text(*panel, *ctx->zone, ctx->demo, color));
    } else if (json) {
      print(render::panel_json(*panel, ctx->demo));
    } else {
      print((first ? "" : "\n") + render::panel_text(*panel, *ctx->zone, ctx->demo, false));
    }
    std::fflush(stdout);
    first = false;

    if (!sleep_until_news(live, tty)) {
      break;
    }
  }
  if (tty) {
    print("\033[?25h\033[?1049l");  // back to the normal screen, cursor shown
    std::fflush(stdout);
  }
  ::close(g_stop_pipe[0]);
  ::close(g_stop_pipe[1]);
  return status;
}

}  // namespace

Runner setup_watch(CLI::App& sub) {
  auto options = std::make_shared<WatchOptions>();
  add_report_options(sub, options->report);
  sub.add_option("--interval", options->interval,
                 "how often to look at the logs when inotify is unavailable (default 2s; "
                 "e.g. 500ms, 10s, 1m)");
  sub.footer(
      "Shows today so far, the active 5-hour block (cost, $/h, tokens/min and the\n"
      "projection to its end), the sessions with a record in the last 15 minutes and the\n"
      "last few sessions. It reads new log lines as the agents write them (inotify;\n"
      "polling at --interval where inotify is unavailable) and otherwise sleeps, so it\n"
      "costs well under 1% of a core at rest. On a terminal the panel is redrawn in\n"
      "place; piped, it prints a snapshot per change (--json: one object per line).\n"
      "Ctrl-C quits.\n\n"
      "Examples:\n"
      "  tally watch\n"
      "  tally watch --agent claude --project myapp\n"
      "  tally watch --json | jq .block.cost_per_hour");
  return [options] { return run_watch(*options); };
}

}  // namespace tally::cli
