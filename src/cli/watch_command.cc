// `tally watch`: a live panel (today so far, the active 5-hour block with its burn rate and
// projection, sessions in flight, the last few sessions) that refreshes when the agents
// write to their logs.
//
// Idle cost is the design constraint (under 1% of a core at rest): the process sleeps in
// poll() on inotify (cli/dir_watcher.h) and wakes only for a log change, for the clock
// tick (every 30 s, so the block and "in flight" age honestly), or for Ctrl-C. A change
// runs an ordinary incremental ingest (stat-only for unchanged files, new lines only).
// On a terminal the panel is redrawn in place on the alternate screen, which is restored on
// exit; elsewhere (a pipe, a file) a snapshot is printed first and then once per change that
// brought new records, separated by a blank line (--json: one JSON object per line).

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/blocks.h"
#include "cli/command.h"
#include "cli/common.h"
#include "cli/context.h"
#include "cli/dir_watcher.h"
#include "cli/statusline.h"
#include "ingest/ingest.h"
#include "render/json_renderer.h"
#include "render/utf8.h"
#include "sources/adapter.h"

namespace tally::cli {
namespace {

constexpr TimeMs kMinuteMs = 60 * 1000;
constexpr TimeMs kInFlightMs = 15 * kMinuteMs;
constexpr int kClockTickMs = 30 * 1000;
constexpr int kDebounceMs = 300;
constexpr std::size_t kRecentSessions = 5;

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

struct InFlight {
  std::string session;
  Agent agent;
  std::string project;
  TimeMs last = 0;
};

struct RecentSession {
  std::string session;
  std::string project;
  double cost_usd = 0;
  std::int64_t tokens = 0;
  TimeMs last = 0;
};

struct Panel {
  TimeMs now = 0;
  double today_cost = 0;
  std::int64_t today_tokens = 0;
  std::int64_t today_requests = 0;
  bool today_unpriced = false;
  std::optional<analytics::Block> block;
  std::vector<InFlight> in_flight;
  std::vector<RecentSession> recent;
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

std::string local_hm(const Zone& zone, TimeMs t) {
  const TimeMs local = t + zone.utc_offset(t) * 1000;
  const TimeMs minutes = ((local / kMinuteMs) % (24 * 60) + 24 * 60) % (24 * 60);
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

std::string iso_or_null(std::optional<TimeMs> t) {
  return t ? fmt::format("\"{}\"", format_iso8601(*t)) : "null";
}

std::string num_or_null(std::optional<double> v) { return v ? fmt::format("{:.6f}", *v) : "null"; }

Result<Panel> build_panel(store::Ledger& ledger, const Zone& zone, const store::RecordFilter& base,
                          TimeMs now) {
  Panel p;
  p.now = now;
  store::RecordFilter today = base;
  today.since = zone.start_of(zone.local_date(now));
  auto rows = ledger.aggregate(today, store::GroupBy{});
  TALLY_TRY(rows);
  for (const store::AggregateRow& r : *rows) {
    p.today_cost += r.cost_usd;
    p.today_tokens += r.tokens.total();
    p.today_requests += r.requests;
    p.today_unpriced = p.today_unpriced || r.cost_source == CostSource::unpriced;
  }

  auto block = current_block(ledger, now);
  TALLY_TRY(block);
  p.block = *block;

  store::RecordFilter recent_events = base;
  recent_events.since = now - kInFlightMs;
  auto events = ledger.events(recent_events);
  TALLY_TRY(events);
  std::map<std::string, InFlight> flights;
  for (const store::UsageEvent& e : *events) {
    const std::string& root = e.root_session.empty() ? e.session_id : e.root_session;
    InFlight& f = flights[root];
    f.session = root;
    f.agent = e.agent;
    f.project = e.project;
    f.last = std::max(f.last, e.ts);
  }
  for (auto& [id, f] : flights) {
    p.in_flight.push_back(std::move(f));
  }
  std::sort(p.in_flight.begin(), p.in_flight.end(),
            [](const InFlight& a, const InFlight& b) { return a.last > b.last; });

  store::RecordFilter week = base;
  week.since = now - 7 * 24 * 60 * kMinuteMs;
  store::GroupBy by_session;
  by_session.root_session = true;
  by_session.project = true;
  auto sessions = ledger.aggregate(week, by_session);
  TALLY_TRY(sessions);
  std::map<std::string, RecentSession> merged;  // one row per session, however it splits
  for (const store::AggregateRow& r : *sessions) {
    RecentSession& s = merged[r.session];
    s.session = r.session;
    if (s.project.empty()) {
      s.project = r.project;
    }
    s.cost_usd += r.cost_usd;
    s.tokens += r.tokens.total();
    s.last = std::max(s.last, r.last_ts);
  }
  for (auto& [id, s] : merged) {
    p.recent.push_back(std::move(s));
  }
  std::sort(p.recent.begin(), p.recent.end(),
            [](const RecentSession& a, const RecentSession& b) { return a.last > b.last; });
  if (p.recent.size() > kRecentSessions) {
    p.recent.resize(kRecentSessions);
  }
  return p;
}

// The last part of a project path, escaped for the terminal (it comes from the logs).
std::string short_project(const std::string& project) {
  const std::size_t slash = project.find_last_of('/');
  return render::terminal_safe(slash == std::string::npos ? project : project.substr(slash + 1));
}

// The first 8 bytes of a session id (from the logs; ids are ASCII in practice), escaped for
// the terminal. A multi-byte character cut in two shows as U+FFFD.
std::string short_session(const std::string& session) {
  return render::terminal_safe(std::string_view(session).substr(0, 8));
}

std::string panel_text(const Panel& p, const Zone& zone, bool demo, bool color) {
  const auto bold = [color](const std::string& s) {
    return color ? fmt::format("\033[1m{}\033[0m", s) : s;
  };
  std::string out;
  auto it = std::back_inserter(out);
  if (demo) {
    fmt::format_to(it, "DEMO DATA (synthetic, from `tally demo`), not your usage\n");
  }
  fmt::format_to(it, "{}  as of {} {} · updates when the logs change · Ctrl-C quits\n\n",
                 bold("tally watch"), format_date(zone.local_date(p.now)), local_hm(zone, p.now));
  fmt::format_to(it, "{:<11}{}{} · {} tokens · {} requests\n", "Today", short_money(p.today_cost),
                 p.today_unpriced ? "+? (unpriced models)" : "", short_tokens(p.today_tokens),
                 p.today_requests);
  if (p.block) {
    const analytics::Block& b = *p.block;
    fmt::format_to(it, "{:<11}{}–{} · {} so far · {} tokens", "Block", local_hm(zone, b.start),
                   local_hm(zone, b.end), short_money(b.cost_usd), short_tokens(b.tokens.total()));
    if (b.cost_per_hour && b.tokens_per_minute) {
      fmt::format_to(it, " · {}/h · {} tokens/min", short_money(*b.cost_per_hour),
                     short_tokens(static_cast<std::int64_t>(*b.tokens_per_minute)));
    }
    if (b.projected_cost_usd) {
      fmt::format_to(it, " · projected {} by {}", short_money(*b.projected_cost_usd),
                     local_hm(zone, b.end));
    }
    out += "\n";
  } else {
    fmt::format_to(it, "{:<11}none active (no usage in the last 5 hours)\n", "Block");
  }
  fmt::format_to(it, "{:<11}{} session{} with a record in the last 15 min\n", "In flight",
                 p.in_flight.size(), p.in_flight.size() == 1 ? "" : "s");
  for (const InFlight& f : p.in_flight) {
    fmt::format_to(it, "  {:<8}  {:<7} {:<28} last {}\n", short_session(f.session),
                   agent_name(f.agent), short_project(f.project), local_hm(zone, f.last));
  }
  fmt::format_to(it, "\nRecent sessions (last 7 days)\n");
  if (p.recent.empty()) {
    out += "  none\n";
  }
  for (const RecentSession& s : p.recent) {
    fmt::format_to(it, "  {:<8}  {:<28} {:>9}  {:>7} tokens  last {} {}\n",
                   short_session(s.session), short_project(s.project), short_money(s.cost_usd),
                   short_tokens(s.tokens), format_date(zone.local_date(s.last)),
                   local_hm(zone, s.last));
  }
  return out;
}

std::string panel_json(const Panel& p, bool demo) {
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "{{\"now\": \"{}\", \"demo\": {}, \"today\": {{\"cost_usd\": {:.6f}, "
                 "\"tokens\": {}, \"requests\": {}, \"unpriced\": {}}}, \"block\": ",
                 format_iso8601(p.now), demo, p.today_cost, p.today_tokens, p.today_requests,
                 p.today_unpriced);
  if (p.block) {
    const analytics::Block& b = *p.block;
    fmt::format_to(it,
                   "{{\"start\": {}, \"end\": {}, \"cost_usd\": {:.6f}, \"tokens\": {}, "
                   "\"cost_per_hour\": {}, \"tokens_per_minute\": {}, \"projected_cost_usd\": "
                   "{}, \"projected_tokens\": {}}}",
                   iso_or_null(b.start), iso_or_null(b.end), b.cost_usd, b.tokens.total(),
                   num_or_null(b.cost_per_hour), num_or_null(b.tokens_per_minute),
                   num_or_null(b.projected_cost_usd), num_or_null(b.projected_tokens));
  } else {
    out += "null";
  }
  out += ", \"in_flight\": [";
  for (std::size_t i = 0; i < p.in_flight.size(); ++i) {
    const InFlight& f = p.in_flight[i];
    fmt::format_to(it, "{}{{\"session\": {}, \"agent\": \"{}\", \"project\": {}, \"last\": {}}}",
                   i == 0 ? "" : ", ", render::json_string(f.session), agent_name(f.agent),
                   render::json_string(f.project), iso_or_null(f.last));
  }
  out += "], \"recent\": [";
  for (std::size_t i = 0; i < p.recent.size(); ++i) {
    const RecentSession& s = p.recent[i];
    fmt::format_to(it,
                   "{}{{\"session\": {}, \"project\": {}, \"cost_usd\": {:.6f}, \"tokens\": {}, "
                   "\"last\": {}}}",
                   i == 0 ? "" : ", ", render::json_string(s.session),
                   render::json_string(s.project), s.cost_usd, s.tokens, iso_or_null(s.last));
  }
  out += "]}\n";
  return out;
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
  auto ctx = prepare(options.report);
  if (!ctx) {
    return error_exit(ctx.error());
  }
  // --agent/--project filter the live view.
  store::RecordFilter base;
  base.agent = query->agent;
  base.project = query->project;

  ingest::IngestOptions io;
  io.env = sources::DiscoveryEnv::from_environment();
  if (ctx->demo) {
    io.env = sources::DiscoveryEnv{};
    io.env.home = ctx->config.data_dir + "/logs";
  }
  io.identity = ingest::Identity{ctx->config.user, ctx->config.machine, ctx->config.team};
  const auto adapters = sources::all_adapters();
  std::vector<std::string> roots;
  for (const auto& a : adapters) {
    for (const std::string& r : a->roots(io.env)) {
      roots.push_back(r);
    }
  }
  DirWatcher watcher(roots, *interval);

  if (::pipe(g_stop_pipe) != 0) {
    return error_exit(Error{Errc::io, "cannot create a pipe for signals"});
  }
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    ::sigaction(sig, &sa, nullptr);
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
    auto panel = build_panel(*ctx->ledger, *ctx->zone, base, now_ms());
    if (!panel) {
      status = error_exit(panel.error());
      break;
    }
    if (tty) {
      print("\033[H\033[2J" + panel_text(*panel, *ctx->zone, ctx->demo, color));
    } else if (json) {
      print(panel_json(*panel, ctx->demo));
    } else {
      print((first ? "" : "\n") + panel_text(*panel, *ctx->zone, ctx->demo, false));
    }
    std::fflush(stdout);
    first = false;

    // Sleep until something worth a new snapshot happens.
    bool stop = false;
    for (;;) {
      const DirWatcher::Wake wake = watcher.wait(kClockTickMs, kDebounceMs, g_stop_pipe[0]);
      if (wake == DirWatcher::Wake::interrupted) {
        stop = true;
        break;
      }
      if (wake == DirWatcher::Wake::timeout) {
        if (tty) {
          break;  // the clock moved: redraw
        }
        continue;  // pipes get a snapshot per change, not per tick
      }
      auto stats = ingest::run_ingest(*ctx->ledger, *ctx->pricer, adapters, io);
      if (!stats) {
        fmt::print(stderr, "tally: warning: ingest failed: {}\n",
                   render::terminal_safe(stats.error().message));
        continue;
      }
      if (tty || stats->records > 0) {
        break;
      }
    }
    if (stop) {
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

Command make_watch_command() {
  return Command{
      "watch", "a live panel: today, the active 5-hour block, sessions in flight",
      [](CLI::App& sub) {
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
      }};
}

}  // namespace tally::cli
