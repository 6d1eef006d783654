#pragma once

// A new ledger from the logs that still exist, the old one kept beside it (`tally rebuild`).
//
// The order of steps is what makes a kill at any moment harmless:
//  1. The new ledger is built under a name no other command opens (<ledger>.rebuild-<pid>),
//     while the old one stays in use; then it is made a single file (no -wal, no -journal).
//     Killed here, the old ledger is untouched; the next rebuild removes the partial file.
//  2. Under the ledger lock, taken exclusively (app/ledger_lock.h: no tally process has the
//     old file open, none opens it until the swap is done), the old ledger is kept as a
//     backup and the new one renamed in its place (store/ledger_files.h swap_in_ledger).
//     Killed before the rename, the old ledger is still in place; after it, the new one is.
//  3. Only then is the lock released.
// A backup is never written after step 2, so it is what the old ledger held at the swap.

#include <cstdint>
#include <optional>
#include <string>

#include "app/context.h"
#include "core/result.h"
#include "store/ledger_health.h"

namespace tally::app {

struct RebuildOutcome {
  std::string ledger;        // the ledger's path
  std::int64_t files = 0;    // log files found
  std::int64_t records = 0;  // records in the new ledger
  std::string backup;        // where the old ledger is kept; "" when there was none
  bool side_files = false;   // its -wal or -journal lie beside the backup
  // With a backup: how its records compare with the new ledger's, or, when the old file
  // cannot be read, why not (store::fault_reason).
  std::optional<store::LedgerDifference> difference;
  std::string unreadable;
};

// Builds a new ledger for the config's from the agents' logs, and swaps it in, keeping the
// old one. Ingest progress goes to `observer`. Fails when another process keeps the ledger
// open (waiting for it a while first), and when the build or the swap fails, with a message
// that says the ledger is as it was.
Result<RebuildOutcome> rebuild_ledger(const Observer& observer);

}  // namespace tally::app
