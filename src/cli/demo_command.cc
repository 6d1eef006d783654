// `tally demo`: a synthetic month of agent logs in a ledger of its own, so a newcomer can see
// every view before they have logs of their own.
//
// The logs come from the benchmark's generator (demo/corpus.h: Claude with sub-agents and
// compactions, Codex with sub-agent threads, Gemini; many projects and sessions, some of them
// overlapping) and are written to <data_dir>/demo/logs, a fake HOME; the demo ledger is
// <data_dir>/demo/ledger.db. They are then ingested through the normal path, so every view
// (session anatomy included) reads them exactly as it would read real logs. `--demo` on any
// report points it at this ledger (see app/context.h); the user's own ledger is never opened.

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "app/clock.h"
#include "app/config.h"
#include "app/context.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "demo/corpus.h"
#include "render/json_writer.h"

namespace tally::cli {
namespace {

namespace fs = std::filesystem;

struct DemoOptions {
  bool reset = false;
  bool json = false;
  bool quiet = false;
  std::uint64_t mb = 40;
  std::uint64_t seed = 1;
  std::uint64_t days = 30;
};

// Removes the demo ledger (and SQLite's side files) and the generated logs. Only paths
// inside `dir` (= <data_dir>/demo) are touched.
Status remove_demo(const std::string& dir) {
  std::error_code ec;
  for (const char* name : {"ledger.db", "ledger.db-wal", "ledger.db-shm", "ledger.db-journal"}) {
    fs::remove(fs::path(dir) / name, ec);
    if (ec) {
      return fail(Errc::io, fmt::format("cannot remove {}/{}: {}", dir, name, ec.message()));
    }
  }
  fs::remove_all(fs::path(dir) / "logs", ec);
  if (ec) {
    return fail(Errc::io, fmt::format("cannot remove {}/logs: {}", dir, ec.message()));
  }
  return {};
}

// The session with the largest cost, for the "try" list (shown by its first 8 characters,
// which `tally session` matches as a prefix).
std::string biggest_session(store::Ledger& ledger) {
  store::GroupBy g;
  g.root_session = true;
  auto rows = ledger.aggregate(store::RecordFilter{}, g);
  if (!rows || rows->empty()) {
    return "";
  }
  const auto it = std::max_element(rows->begin(), rows->end(),
                                   [](const store::AggregateRow& a, const store::AggregateRow& b) {
                                     return a.cost_usd < b.cost_usd;
                                   });
  return it->session.substr(0, 8);
}

int run_demo(const DemoOptions& options) {
  auto config = app::load_config();
  if (!config) {
    return error_exit(config.error());
  }
  const std::string dir = app::demo_dir(*config);
  const std::string logs = dir + "/logs";
  const bool exists = fs::exists(logs);
  const bool progress = !options.quiet && !options.json && isatty(STDERR_FILENO) != 0;
  if (exists && options.reset) {
    if (auto removed = remove_demo(dir); !removed) {
      return error_exit(removed.error());
    }
  }
  if (!exists || options.reset) {
    if (auto made = app::make_dirs(dir); !made) {
      return error_exit(made.error());
    }
    demo::CorpusOptions co;
    co.out = logs;
    co.mb = options.mb;
    co.seed = options.seed;
    co.days = options.days;
    // A month ending now (to the minute), so "today" and the active block have data.
    co.end = app::now_ms() / 60'000 * 60'000;
    if (progress) {
      co.progress = [](std::uint64_t done, std::uint64_t total) {
        if (done % 8 == 0 || done == total) {
          fmt::print(stderr, "\rtally demo: writing synthetic logs: {}/{} files", done, total);
          std::fflush(stderr);
        }
      };
    }
    auto manifest = demo::generate_corpus(co);
    if (progress) {
      fmt::print(stderr, "\r\033[K");
    }
    if (!manifest) {
      return error_exit(manifest.error());
    }
  }
  app::ContextOptions co;
  co.demo = true;
  auto ctx = app::prepare(co, terminal_observer(options.quiet || options.json));
  if (!ctx) {
    return error_exit(ctx.error());
  }
  auto records = ctx->ledger->record_count();
  if (!records) {
    return error_exit(records.error());
  }
  const std::string session = biggest_session(*ctx->ledger);
  const std::vector<std::string> tries = {
      "tally --demo",
      "tally daily --demo",
      "tally sessions --demo",
      "tally models --demo",
      "tally projects --demo",
      "tally blocks --demo",
      "tally concurrency --demo",
      "tally windows --demo",
      session.empty() ? "tally session ID --demo" : fmt::format("tally session {} --demo", session),
      "tally demo --reset   (a fresh month ending now)",
  };
  std::string out;
  if (options.json) {
    render::JsonWriter w(out, render::JsonLayout::pretty);
    w.open('{');
    w.member("demo");
    w.boolean(true);
    for (const auto& [name, path] : {std::pair<std::string_view, std::string>{"dir", dir},
                                     {"ledger", app::ledger_path(ctx->config)},
                                     {"logs", logs}}) {
      w.member(name);
      w.string(path);
    }
    w.member("created");
    w.boolean(!exists || options.reset);
    w.member("files");
    w.integer(ctx->ingest.files_found);
    w.member("records");
    w.integer(*records);
    w.member("try");
    w.open('[', render::JsonLayout::line);
    for (const std::string& t : tries) {
      w.element();
      w.string(t);
    }
    w.close(']');
    w.close('}');
    out += "\n";
  } else {
    out = fmt::format(
        "{} demo data in {}\n  {} synthetic log files (Claude Code, Codex CLI, Gemini CLI), "
        "{} usage records over {} days\n  Your own ledger is untouched; every view takes "
        "--demo.\n\nTry:\n",
        !exists || options.reset ? "Created" : "Using existing", dir, ctx->ingest.files_found,
        *records, options.days);
    for (const std::string& t : tries) {
      out += fmt::format("  {}\n", t);
    }
  }
  print(out);
  return kExitOk;
}

}  // namespace

Runner setup_demo(CLI::App& sub) {
  auto options = std::make_shared<DemoOptions>();
  sub.add_flag("--reset", options->reset,
               "delete the demo ledger and logs and generate a fresh month ending now");
  sub.add_option("--mb", options->mb, "size of the synthetic logs in MiB (default 40)")
      ->check(CLI::Range(1, 2048));
  sub.add_option("--seed", options->seed, "random seed (default 1): same seed, same data");
  sub.add_flag("--json", options->json, "print where the demo lives and what to try, as JSON");
  sub.add_flag("-q,--quiet", options->quiet, "no progress output on stderr");
  sub.footer(
      "The demo lives in <data dir>/demo (ledger.db and logs/, a fake HOME), apart from\n"
      "your own ledger. It holds made-up Claude Code, Codex CLI and Gemini CLI sessions\n"
      "over the last 30 days: several projects, sub-agents, compactions, overlapping\n"
      "sessions. Reports on it print a DEMO DATA note.\n\n"
      "Examples:\n"
      "  tally demo                 create it (or show what to try when it exists)\n"
      "  tally daily --demo         any report, on the demo ledger\n"
      "  tally demo --reset         a fresh month ending now");
  return [options] { return run_demo(*options); };
}

}  // namespace tally::cli
