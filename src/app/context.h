#pragma once

// The wiring every command starts from: config -> zone -> pricer -> ledger -> ingest, in
// one function (prepare) that takes plain data, so the CLI and a future server call it the
// same way. The ledger comes wrapped so that its errors say what to do
// (app/explained_ledger.h), under a shared app/ledger_lock.h lock.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.h"
#include "app/ledger_lock.h"
#include "core/time.h"
#include "ingest/ingest.h"
#include "pricing/plans.h"
#include "pricing/table_pricer.h"
#include "store/ledger.h"

namespace tally::app {

// What prepare() is asked for.
struct ContextOptions {
  std::string timezone;    // IANA zone for days; "" = the config's
  bool demo = false;       // the demo ledger and logs of `tally demo`, not the user's
  bool no_ingest = false;  // the ledger as it is, without reading new log lines
  bool map_reads = false;  // a quick, read-mostly run (store::OpenOptions::map_reads)
};

// What a person watching is told while tally works. Every member may be empty (a server,
// a test, --quiet), and then nothing is said; none is called after the call that was given
// it returns.
struct Observer {
  // A note the reader must see whatever the output (the demo's "synthetic data").
  std::function<void(std::string_view)> note;
  // An ingest's progress, now and then: (files done, files total).
  std::function<void(std::int64_t, std::int64_t)> progress;
  // Once an ingest that was given `progress` is over, whether it succeeded or not.
  std::function<void()> done;
};

struct Context {
  Config config;
  std::optional<Zone> zone;
  LedgerLock lock;  // released after the ledger is closed (members go in reverse order)
  std::unique_ptr<store::Ledger> ledger;
  std::unique_ptr<pricing::TablePricer> pricer;
  std::vector<pricing::Plan> plans;  // subscription plans from the config
  ingest::IngestStats ingest;
  bool ingested = false;
  bool demo = false;  // synthetic demo data (`--demo`): every output must say so
};

// Loads config and prices, sets the zone, opens the ledger and (unless options.no_ingest)
// ingests what is new. Errc::invalid_argument means bad input (a usage error); anything
// else is a runtime failure. With `demo`, tells `observer` that the data is synthetic.
Result<Context> prepare(const ContextOptions& options, const Observer& observer = {});

// The one place an ingest run's options are made: where the agents' logs are (the demo's
// fake HOME when `demo`, else the environment's) and the config's identity for new records.
ingest::IngestOptions ingest_options(const Config& config, bool demo);

// Reads what is new in the agents' logs (the demo's fake HOME when `demo`) into `ledger`,
// stamping records with the config's identity; progress goes to `observer`.
Result<ingest::IngestStats> ingest_logs(store::Ledger& ledger, const pricing::Pricer& pricer,
                                        const Config& config, bool demo, const Observer& observer);

// What to say when there are no logs and the ledger is empty: where tally looked and which
// environment variables move it.
std::string no_logs_message(const Context& ctx);

// The demo's home (`tally demo`): <data_dir>/demo, holding ledger.db and logs/ (a fake HOME).
std::string demo_dir(const Config& config);

// Builds the pricer from the built-in table, the imported one and the config's [pricing].
Result<std::unique_ptr<pricing::TablePricer>> load_pricer(const Config& config);

}  // namespace tally::app
