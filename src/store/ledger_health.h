#pragma once

// What a ledger's health looks like, whatever stores it: the classes of fault an error
// can say about its store, a health report for `tally doctor`, and how two ledgers'
// records compare after `tally rebuild`. store/open_ledger.h runs the checks a location's
// backend has.

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace tally::store {

// What a failed ledger operation says about the file.
enum class LedgerFault {
  none,     // anything else (a bug, a lock held too long, a missing directory)
  damaged,  // SQLite found the file corrupt, or not a database at all
  full,     // the disk (or quota) holding the ledger or its journal is full
};

// One line of a health report, in plain words.
struct LedgerFinding {
  enum class Level { ok, note, problem };
  Level level = Level::ok;
  std::string what;
};

struct LedgerHealth {
  bool exists = false;
  bool damaged = false;  // pages, schema or rollup are wrong: make a new ledger
  bool newer = false;    // written by a newer tally: this one must not touch it
  std::int64_t schema_version = 0;
  std::int64_t records = 0;
  std::int64_t files = 0;                  // files read (cursors)
  std::int64_t files_gone = 0;             // ... whose log no longer exists
  std::int64_t records_gone = 0;           // records read from those: only in this ledger now
  std::vector<std::string> gone_examples;  // a few of those paths
  std::vector<LedgerFinding> findings;
};

// How the records of an old ledger compare with those of a new one: how many ids only the
// old one has, and how many files it read that the new one did not.
struct LedgerDifference {
  std::int64_t old_records = 0;
  std::int64_t new_records = 0;
  std::int64_t only_in_old = 0;
  std::int64_t old_files_not_read = 0;  // files the old ledger read and the new one did not
};

}  // namespace tally::store
