#pragma once

// The wiring every command starts from: config -> zone -> pricer -> ledger -> ingest, in
// one function (prepare) that takes no CLI types, so the team server can call it too. The
// ledger is wrapped so that its errors say what to do (explain_ledger_error).

#include <chrono>
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

// What prepare() is asked for: plain data, so a future server can call it as the CLI does.
struct ContextOptions {
  std::string timezone;    // IANA zone for days; "" = the config's
  bool demo = false;       // the demo ledger and logs of `tally demo`, not the user's
  bool no_ingest = false;  // the ledger as it is, without reading new log lines
  bool quiet = false;      // no progress on stderr
};

// A lock on `<ledger>.lock` (flock(2)) held by every process that has the ledger open: shared
// by every command (prepare()), exclusive only while `tally rebuild` swaps a new ledger in.
// SQLite names a ledger's -wal, -shm and -journal after its path, not its inode: a process
// that had the old file open while it was renamed would go on writing side files under the
// new ledger's name (and, closing, delete its WAL). Holding the lock exclusively proves that
// no tally has the file open, and none opens it until the swap is done. Move-only; released
// when destroyed.
class LedgerLock {
 public:
  enum class Mode { shared, exclusive };
  LedgerLock() = default;
  LedgerLock(LedgerLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  LedgerLock& operator=(LedgerLock&& o) noexcept;
  LedgerLock(const LedgerLock&) = delete;
  LedgerLock& operator=(const LedgerLock&) = delete;
  ~LedgerLock();

  // Takes the lock of the ledger at `ledger_path`, creating its lock file (0600), and waits
  // up to `wait` for a process holding it the other way. Fails with Errc::io when the lock
  // file cannot be made or opened, Errc::unsupported when the wait runs out (the message
  // says another tally process is using the ledger).
  static Result<LedgerLock> take(const std::string& ledger_path, Mode mode,
                                 std::chrono::milliseconds wait);

 private:
  explicit LedgerLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// The lock file of the ledger at `ledger_path`.
std::string ledger_lock_path(const std::string& ledger_path);

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
// ingests what is new. Errc::invalid_argument means a usage error (exit 2); anything else
// is a runtime failure (exit 1). With `demo`, notes on stderr that the data is synthetic.
Result<Context> prepare(const ContextOptions& options);

// `e`, a failure of the ledger at `path`, in words that say what to do: a damaged file
// names it and points to `tally doctor` and `tally rebuild`; a full disk says that nothing
// committed is lost and to free space. Any other error is returned as it is.
Error explain_ledger_error(const Error& e, const std::string& path);

// Opens the SQLite ledger at `path` so that every error it returns, now or from any later
// call (ingest, reports), is explained as explain_ledger_error() does.
Result<std::unique_ptr<store::Ledger>> open_ledger(const std::string& path);

// The one place an ingest run's options are made: where the agents' logs are (the demo's
// fake HOME when `demo`, else the environment's) and the config's identity for new records.
ingest::IngestOptions ingest_options(const Config& config, bool demo);

// Reads what is new in the agents' logs (the demo's fake HOME when `demo`) into `ledger`,
// stamping records with the config's identity; progress on a terminal unless `quiet`.
Result<ingest::IngestStats> ingest_logs(store::Ledger& ledger, const pricing::Pricer& pricer,
                                        const Config& config, bool demo, bool quiet);

// The demo's home (`tally demo`): <data_dir>/demo, holding ledger.db and logs/ (a fake HOME).
std::string demo_dir(const Config& config);

// Builds the pricer from the built-in table and the config's [pricing] table.
Result<std::unique_ptr<pricing::TablePricer>> load_pricer(const Config& config);

}  // namespace tally::cli
