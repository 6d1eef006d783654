#pragma once

// `tally doctor`'s look at the ledger: is it healthy, and what lies beside it. It reads
// the ledger only (store/open_ledger.h runs the checks) and never ingests, so it also runs
// on a ledger that every other command refuses.

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/ledger_files.h"
#include "store/ledger_health.h"

namespace tally::app {

struct LedgerExamination {
  std::string path;          // the config's ledger
  bool exists = false;       // false: there is no ledger yet, and nothing below is filled in
  std::uintmax_t bytes = 0;  // the file's size (-1 when it cannot be read)
  store::LedgerHealth health;
  std::vector<store::LeftoverFile> leftovers;  // what rebuilds left beside it

  // No ledger yet, or one that is neither damaged nor a newer tally's.
  bool healthy() const { return !exists || (health.exists && !health.damaged && !health.newer); }
};

// Examines the config's ledger; with `full`, also compares every index with its table
// (slower). Holds the ledger lock shared meanwhile, so that a rebuild does not swap files
// halfway through the checks. Fails when the config cannot be loaded or a rebuild keeps the
// lock too long; a damaged ledger is a finding, not a failure.
Result<LedgerExamination> examine_ledger(bool full);

}  // namespace tally::app
