#pragma once

// The files beside a ledger kept in a local file: SQLite's side files (-wal, -journal,
// -shm), the mark of a first load (-firstload, sqlite/first_load.h), the new ledger a `tally
// rebuild` builds under <ledger>.rebuild-<pid>, and the old ledgers rebuilds keep as <ledger>.<UTC
// time>.bak. app/rebuild.h runs these steps in the order that makes a kill at any moment harmless;
// `tally doctor` lists the leftovers.

#include <string>
#include <vector>

#include "core/result.h"

namespace tally::store {

struct LeftoverFile {
  std::string path;
  std::string what;  // plain words: what it is and what to do with it
};

// Files next to the ledger at `ledger_path` that rebuilds left, by path: the partial new
// ledger of a rebuild that was stopped (its process is gone) or is running, and the old
// ledgers rebuilds kept.
std::vector<LeftoverFile> rebuild_leftovers(const std::string& ledger_path);

// Where this process builds a new ledger for the one at `ledger_path`: a name no other
// command opens, <ledger>.rebuild-<pid>.
std::string rebuild_path(const std::string& ledger_path);

// Removes the ledger file at `path` and the side files SQLite keeps beside it; files that
// are missing or cannot be removed are passed over.
void remove_ledger_files(const std::string& path);

// Removes the partial ledgers of rebuilds whose process is gone.
void remove_stopped_rebuilds(const std::string& ledger_path);

struct SwappedLedger {
  std::string backup;       // where the old ledger is kept; "" when there was none
  bool side_files = false;  // its -wal or -journal came along (it could not be made one file)
};

// Puts the ledger at `new_path` (one file: see consolidate_ledger) in place of the one at
// `path`, keeping the old one as <path>.<UTC time>.bak. The old ledger is made one file too
// where SQLite can (a damaged one may not be), then hard-linked to its backup name, its
// -wal and -journal moved after it and its -shm (an index of the WAL, rebuilt from it)
// removed; one rename then puts the new ledger in place, so `path` is always a whole ledger,
// old or new. The caller holds the ledger lock exclusively (no process has either file
// open). Fails with Errc::io, the old ledger put back as it was, when a step fails.
Result<SwappedLedger> swap_in_ledger(const std::string& new_path, const std::string& path);

}  // namespace tally::store
