#include "cli/context.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/prices_command.h"
#include "pricing/config.h"
#include "pricing/table_format.h"
#include "sources/adapter.h"
#include "store/sqlite_ledger.h"

namespace tally::cli {

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

Result<Context> prepare(const ReportOptions& options) {
  Context ctx;
  auto config = load_config();
  TALLY_TRY(config);
  ctx.config = std::move(*config);
  if (options.demo) {
    // The demo has a ledger and logs of its own, so the user's ledger is never touched.
    const std::string dir = demo_dir(ctx.config);
    if (!std::filesystem::exists(dir + "/logs")) {
      return fail(Errc::not_found,
                  fmt::format("no demo data in {}: run `tally demo` first", dir));
    }
    ctx.config.data_dir = dir;
    ctx.config.origin["data_dir"] = "flag --demo";
    ctx.demo = true;
    fmt::print(stderr, "tally: note: DEMO DATA (synthetic, from `tally demo`), not your usage\n");
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
  auto plans = pricing::parse_plans_config(ctx.config.config_text, ctx.config.config_path);
  TALLY_TRY(plans);
  ctx.plans = std::move(*plans);

  TALLY_TRY(make_dirs(ctx.config.data_dir));
  auto ledger = store::open_sqlite_ledger(ledger_path(ctx.config));
  TALLY_TRY(ledger);
  ctx.ledger = std::move(*ledger);

  if (!options.no_ingest) {
    ingest::IngestOptions io;
    io.env = sources::DiscoveryEnv::from_environment();
    if (ctx.demo) {
      io.env = sources::DiscoveryEnv{};
      io.env.home = ctx.config.data_dir + "/logs";
    }
    io.identity = ingest::Identity{ctx.config.user, ctx.config.machine, ctx.config.team};
    const bool show_progress = !options.quiet && isatty(STDERR_FILENO) != 0;
    bool printed = false;
    if (show_progress) {
      io.progress = [&printed](std::int64_t done, std::int64_t total) {
        // Only worth a line when there is real work (a cold start over a big history).
        if (total < 200) {
          return;
        }
        fmt::print(stderr, "\rtally: reading agent logs: {}/{} files", done, total);
        std::fflush(stderr);
        printed = true;
      };
    }
    auto stats = ingest::run_ingest(*ctx.ledger, *ctx.pricer, sources::all_adapters(), io);
    if (printed) {
      fmt::print(stderr, "\r\033[K");
    }
    TALLY_TRY(stats);
    ctx.ingest = std::move(*stats);
    ctx.ingested = true;
  }
  return ctx;
}

}  // namespace tally::cli
