// `tally demo`: a synthetic month in a ledger of its own, to try every view with
// (app/demo.h makes it; this prints where it is and what to try).

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/demo.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "render/json_writer.h"

namespace tally::cli {
namespace {

struct DemoOptions {
  bool reset = false;
  bool json = false;
  bool quiet = false;
  std::uint64_t mb = app::kDefaultDemoMb;
  std::uint64_t seed = 1;
  std::uint64_t days = 30;
};

// Writing the logs, on a terminal: one line rewritten in place, erased at the end.
app::Observer writing_observer() {
  app::Observer o;
  o.progress = [](std::int64_t done, std::int64_t total) {
    if (done % 8 == 0 || done == total) {
      fmt::print(stderr, "\rtally demo: writing synthetic logs: {}/{} files", done, total);
      std::fflush(stderr);
    }
  };
  o.done = [] { fmt::print(stderr, "\r\033[K"); };
  return o;
}

std::string demo_json(const app::Demo& demo, const std::vector<std::string>& tries) {
  std::string out;
  render::JsonWriter w(out, render::JsonLayout::pretty);
  w.open('{');
  w.member("demo");
  w.boolean(true);
  for (const auto& [name, path] : {std::pair<std::string_view, std::string>{"dir", demo.dir},
                                   {"ledger", app::ledger_path(demo.ctx.config)},
                                   {"logs", demo.logs}}) {
    w.member(name);
    w.string(path);
  }
  w.member("created");
  w.boolean(demo.created);
  w.member("files");
  w.integer(demo.ctx.ingest.files_found);
  w.member("records");
  w.integer(demo.records);
  w.member("try");
  w.open('[', render::JsonLayout::line);
  for (const std::string& t : tries) {
    w.element();
    w.string(t);
  }
  w.close(']');
  w.close('}');
  return out + "\n";
}

int run_demo(const DemoOptions& options) {
  const bool progress = !options.quiet && !options.json && isatty(STDERR_FILENO) != 0;
  app::DemoRequest request;
  request.reset = options.reset;
  request.mb = options.mb;
  request.seed = options.seed;
  request.days = options.days;
  auto demo = app::open_demo(request, progress ? writing_observer() : app::Observer{},
                             terminal_observer(options.quiet || options.json));
  if (!demo) {
    return error_exit(demo.error());
  }
  const std::string& session = demo->biggest_session;
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
  if (options.json) {
    print(demo_json(*demo, tries));
    return kExitOk;
  }
  std::string out = fmt::format(
      "{} demo data in {}\n  {} synthetic log files (Claude Code, Codex CLI, Gemini CLI), "
      "{} usage records over {} days\n  Your own ledger is untouched; every view takes "
      "--demo.\n\nTry:\n",
      demo->created ? "Created" : "Using existing", demo->dir, demo->ctx.ingest.files_found,
      demo->records, options.days);
  for (const std::string& t : tries) {
    out += fmt::format("  {}\n", t);
  }
  print(out);
  return kExitOk;
}

}  // namespace

Runner setup_demo(CLI::App& sub) {
  auto options = std::make_shared<DemoOptions>();
  sub.add_flag("--reset", options->reset,
               "delete the demo ledger and logs and generate a fresh month ending now");
  sub.add_option("--mb", options->mb,
                 fmt::format("size of the synthetic logs in MiB (default {}: a heavy user's "
                             "month, about $10k)",
                             app::kDefaultDemoMb))
      ->check(CLI::Range(1, 2048));
  sub.add_option("--seed", options->seed, "random seed (default 1): same seed, same data");
  sub.add_flag("--json", options->json, "print where the demo lives and what to try, as JSON");
  sub.add_flag("-q,--quiet", options->quiet, "no progress output on stderr");
  sub.footer(
      "The demo lives in <data dir>/demo (ledger.db and logs/, a fake HOME), apart from\n"
      "your own ledger. It holds a heavy user's made-up month of Claude Code, Codex CLI\n"
      "and Gemini CLI sessions (about $10k, 11B tokens, most of them cache reads): several\n"
      "projects, one with git worktrees; sub-agents, compactions; busy days with 10-15\n"
      "sessions in flight; fast-mode days; plans (Claude Max 20x, ChatGPT Pro, Google AI\n"
      "Pro). Reports on it print a DEMO DATA note.\n\n"
      "Examples:\n"
      "  tally demo                 create it (or show what to try when it exists)\n"
      "  tally daily --demo         any report, on the demo ledger\n"
      "  tally demo --reset         a fresh month ending now");
  return [options] { return run_demo(*options); };
}

}  // namespace tally::cli
