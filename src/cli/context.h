#pragma once

// What every command starts from: the config, the zone, an open ledger brought up to date
// by an ingest run, and the pricer. Commands build Reports from it and never print
// directly; cli.cc renders.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/config.h"
#include "core/time.h"
#include "ingest/ingest.h"
#include "pricing/plans.h"
#include "pricing/table_pricer.h"
#include "store/ledger.h"

namespace tally::cli {

// Options common to the report commands.
struct ReportOptions {
  std::string since;
  std::string until;
  std::string timezone;
  std::string agent;
  std::string project;
  bool json = false;
  bool csv = false;
  std::string format;  // --format: table, json, csv or html ("" = from --json/--csv)
  std::string output;  // -o/--output: write here (atomically) instead of stdout
  bool compact = false;
  bool no_ingest = false;  // report from the ledger as it is
  bool quiet = false;      // no progress on stderr
  std::string speed;       // "standard": the what-if of pricing fast/priority as standard
  bool demo = false;       // the demo ledger and logs of `tally demo`, not the user's
};

struct Context {
  Config config;
  std::optional<Zone> zone;
  std::unique_ptr<store::Ledger> ledger;
  std::unique_ptr<pricing::TablePricer> pricer;
  std::vector<pricing::Plan> plans;  // subscription plans from the config
  ingest::IngestStats ingest;
  bool ingested = false;
  bool demo = false;  // synthetic demo data (`--demo`): every output must say so
};

// Loads config and prices, sets the zone, opens the ledger and (unless options.no_ingest)
// ingests what is new. Errc::invalid_argument means a usage error (exit 2); anything else
// is a runtime failure (exit 1).
Result<Context> prepare(const ReportOptions& options);

// The demo's home (`tally demo`): <data_dir>/demo, holding ledger.db and logs/ (a fake HOME).
std::string demo_dir(const Config& config);

// Builds the pricer from the built-in table and the config's [pricing] table.
Result<std::unique_ptr<pricing::TablePricer>> load_pricer(const Config& config);

}  // namespace tally::cli
