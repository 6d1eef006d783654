#include "app/context.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/demo.h"
#include "app/explained_ledger.h"
#include "core/agent.h"
#include "ingest/refresh.h"
#include "pricing/config.h"
#include "pricing/table_format.h"
#include "sources/adapter.h"

namespace tally::app {
namespace {

// How long a command waits for a `tally rebuild` that is swapping the ledger (it holds the
// lock exclusively for the rename, milliseconds) or a writer (SQLite's busy timeout).
constexpr std::chrono::milliseconds kLockWait{60000};

}  // namespace

ingest::IngestOptions ingest_options(const Config& config, bool demo) {
  ingest::IngestOptions io;
  io.env = sources::DiscoveryEnv::from_environment();
  if (demo) {
    io.env = sources::DiscoveryEnv{};
    io.env.home = config.data_dir + "/logs";
  }
  io.identity = ingest::Identity{config.user, config.machine, config.team};
  return io;
}

Result<ingest::IngestStats> ingest_logs(store::Ledger& ledger, const pricing::Pricer& pricer,
                                        const Config& config, bool demo, const Observer& observer) {
  ingest::IngestOptions io = ingest_options(config, demo);
  io.progress = observer.progress;
  const std::int64_t started = ingest::realtime_ns();
  auto stats = ingest::run_ingest(ledger, pricer, sources::all_adapters(), io);
  if (observer.progress && observer.done) {
    observer.done();
  }
  if (stats) {
    // Every root was walked and what it held is committed: quick refreshes (a statusline)
    // may look at the recent files only for a while (ingest/refresh.h).
    ingest::mark_walk(ledger_path(config), started);
  }
  return stats;
}

Result<std::unique_ptr<pricing::TablePricer>> load_pricer(const Config& config) {
  auto pricing_config = pricing::parse_pricing_config(config.config_text, config.config_path);
  TALLY_TRY(pricing_config);
  // A table imported with `tally prices import` sits between built-in and overrides.
  const std::string imported = imported_prices_path(config);
  std::ifstream in(imported, std::ios::binary);
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    auto rows = pricing::parse_price_table(ss.str(), imported);
    TALLY_TRY(rows);
    pricing_config->imported = std::move(*rows);
  }
  auto table = pricing::build_price_table(*pricing_config);
  TALLY_TRY(table);
  return pricing::TablePricer::create(std::move(*table), pricing_config->aliases);
}

std::string demo_dir(const Config& config) { return config.data_dir + "/demo"; }

Result<Context> prepare(const ContextOptions& options, const Observer& observer) {
  Context ctx;
  auto config = load_config();
  TALLY_TRY(config);
  ctx.config = std::move(*config);
  if (options.demo) {
    // The demo has a ledger and logs of its own, so the user's ledger is never touched.
    const std::string dir = demo_dir(ctx.config);
    if (!std::filesystem::exists(dir + "/logs")) {
      return fail(Errc::not_found, fmt::format("no demo data in {}: run `tally demo` first", dir));
    }
    ctx.config.data_dir = dir;
    ctx.config.origin["data_dir"] = "flag --demo";
    ctx.demo = true;
    if (observer.note) {
      observer.note("DEMO DATA (synthetic, from `tally demo`), not your usage");
    }
  }
  if (!options.timezone.empty()) {
    ctx.config.timezone = options.timezone;
    ctx.config.origin["timezone"] = "flag --timezone";
  }
  auto zone = Zone::use(ctx.config.timezone);
  TALLY_TRY(zone);
  ctx.zone = std::move(*zone);

  auto pricer = load_pricer(ctx.config);
  TALLY_TRY(pricer);
  ctx.pricer = std::move(*pricer);
  auto plans = ctx.demo
                   ? pricing::parse_plans_config(kDemoPlans, "the demo's plans")
                   : pricing::parse_plans_config(ctx.config.config_text, ctx.config.config_path);
  TALLY_TRY(plans);
  ctx.plans = std::move(*plans);

  TALLY_TRY(make_dirs(ctx.config.data_dir));
  const std::string path = ledger_path(ctx.config);
  auto lock = LedgerLock::take(path, LedgerLock::Mode::shared, kLockWait);
  if (lock) {
    ctx.lock = std::move(*lock);
  } else if (lock.error().code != Errc::io) {
    return Unexpected{lock.error()};
  }
  // A lock file that cannot be made (a read-only data dir) only leaves a rebuild unsafe for
  // this run: SQLite's open says whether the ledger itself can be used.
  auto ledger = app::open_ledger(path, store::OpenOptions{.map_reads = options.map_reads});
  TALLY_TRY(ledger);
  ctx.ledger = std::move(*ledger);

  if (!options.no_ingest && ctx.ledger->read_only()) {
    // A shared copy, or another user's ledger: report what it holds (issue 17).
    if (observer.note) {
      observer.note(
          fmt::format("the ledger {} is read-only for this user: reporting what it "
                      "holds, without reading new log lines",
                      path));
    }
  } else if (!options.no_ingest) {
    auto stats = ingest_logs(*ctx.ledger, *ctx.pricer, ctx.config, ctx.demo, observer);
    TALLY_TRY(stats);
    ctx.ingest = std::move(*stats);
    ctx.ingested = true;
  }
  return ctx;
}

std::string no_logs_message(const app::Context& ctx) {
  std::string msg = "No agent logs found, and the ledger is empty. Looked in:\n";
  for (const std::string& root : ctx.ingest.roots) {
    msg += fmt::format("  {}\n", root);
  }
  std::vector<std::string> vars = {"HOME"};
  for (Agent agent : registered_agents()) {
    const std::vector<std::string>& own = agent_info(agent).env_vars;
    vars.insert(vars.end(), own.begin(), own.end());
  }
  msg += "Set ";
  for (size_t i = 0; i < vars.size(); ++i) {
    msg += i == 0 ? "" : i + 1 == vars.size() ? " or " : ", ";
    msg += vars[i];
  }
  msg += " if your agents log elsewhere.\n";
  return msg;
}

}  // namespace tally::app
