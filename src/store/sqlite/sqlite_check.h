#pragma once

// The SQLite ledger as a file that can be damaged: what an error says about the file under
// it, a health check for `tally doctor`, and the file operations `tally rebuild` needs.
//
// Nothing here migrates or writes ledger content: the check reads (opening the file
// read-write only so that SQLite can roll back an interrupted write, as any tally run
// would), and consolidation only moves committed data from the WAL into the file.

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/ledger_health.h"

namespace tally::store {

// Classifies an error returned by the SQLite ledger (sqlite_db.h names SQLite's reason in
// the message; the reason strings are SQLite's own, so this follows the linked library).
LedgerFault sqlite_fault(const Error& e);

// SQLite's reason in `e` without the statement it was running ("database disk image is
// malformed"), for messages meant for people.
std::string sqlite_fault_reason(const Error& e);

// Checks the ledger at `path`: it opens as SQLite, its pages and indexes are intact (PRAGMA
// quick_check, or integrity_check when `full`: slower, also compares every index with its
// table), its schema version is one this tally knows, its 15-minute rollup equals the sums
// of its records, and which of the files it has read still exist. Never fails: what cannot
// be checked is a finding. The caller holds the ledger lock (shared), so that no rebuild
// renames the file meanwhile. Reads every record: seconds on a large ledger.
LedgerHealth check_sqlite_ledger(const std::string& path, bool full);

// Moves everything committed to the ledger at `path` into the file itself (rolls back an
// interrupted write, checkpoints the WAL) and leaves it in rollback-journal mode, with no
// -wal or -journal beside it, so that it can be renamed as one file. Only while no other
// connection has it open (the caller holds the ledger lock exclusively). Fails when SQLite
// cannot (a damaged file): the caller then moves the side files along with it.
Status consolidate_sqlite_ledger(const std::string& path);

// How the records of the ledger at `old_path` compare with those of `new_path` (both
// opened read-only).
Result<LedgerDifference> compare_sqlite_ledgers(const std::string& old_path,
                                                const std::string& new_path);

}  // namespace tally::store
