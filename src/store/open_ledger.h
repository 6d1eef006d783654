#pragma once

// Where a ledger lives, by location: the one place that knows which backends exist (as
// ccache picks its storage backends from a table of URL schemes).
//
//   /path/to/ledger.db, sqlite:///path/to/ledger.db   a SQLite file (store/sqlite/)
//   memory://NAME                                     in this process only (tests, dry runs)
//   postgresql://...                                  the team server's, later
//
// A location without "scheme://" is a path. The file operations that `tally doctor` and
// `tally rebuild` need exist only for backends kept in a local file; for others they say so.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/backend.h"
#include "store/ledger.h"
#include "store/ledger_health.h"

namespace tally::store {

struct LedgerLocation {
  std::string_view scheme;  // "sqlite", "memory"
  std::string rest;         // the path, or the store's name
  bool is_file = false;     // kept in a local file (`rest`): doctor and rebuild apply
};

// How a process will use a ledger it opens.
struct OpenOptions {
  // Mostly reads, and wants them fast (a status line refresh): SQLite reads the file
  // through a memory map instead of copying each page with pread(2). Not for ingests: the
  // pages a map touched count toward the resident size a cold run is held to. Ignored by
  // backends that are not a local file.
  bool map_reads = false;
};

// Parses `location`; fails on an unknown scheme, naming the known ones.
Result<LedgerLocation> parse_ledger_location(const std::string& location);

// The backend at `location`, opened (created when missing).
Result<std::unique_ptr<Backend>> open_backend(const std::string& location,
                                              const OpenOptions& options = {});
// The ledger (store/accountant.h) over open_backend(location).
Result<std::unique_ptr<Ledger>> open_ledger(const std::string& location,
                                            const OpenOptions& options = {});

// The schemes this build knows, for messages and --help.
std::vector<std::string_view> ledger_schemes();

// What an error from the ledger at `location` says about its store, and the store's own
// reason in plain words.
LedgerFault ledger_fault(const Error& e);
std::string fault_reason(const Error& e);

// The checks and file operations of a file-kept ledger (see store/sqlite/sqlite_check.h
// for each); on other locations they fail with Errc::unsupported (check_ledger reports it
// as a finding).
LedgerHealth check_ledger(const std::string& location, bool full);
Status consolidate_ledger(const std::string& location);
Result<LedgerDifference> compare_ledgers(const std::string& old_location,
                                         const std::string& new_location);

}  // namespace tally::store
