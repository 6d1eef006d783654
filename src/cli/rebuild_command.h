#pragma once

// What `tally rebuild` leaves beside the ledger, for `tally doctor` to point out.

#include <string>
#include <vector>

namespace tally::cli {

struct LeftoverFile {
  std::string path;
  std::string what;  // plain words: what it is and what to do with it
};

// Files next to the ledger at `ledger_path` that rebuilds left: the partial new ledger of a
// rebuild that was stopped (its process is gone), and the old ledgers rebuilds kept.
std::vector<LeftoverFile> rebuild_leftovers(const std::string& ledger_path);

}  // namespace tally::cli
