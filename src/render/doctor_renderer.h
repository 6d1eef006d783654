#pragma once

// `tally doctor`'s words: the ledger's size, each finding of its health check
// (store/ledger_health.h) on a line of its own, the files rebuilds left beside it, and then
// what to do: nothing, upgrade tally, or rebuild (keeping the old file for the history whose
// logs were deleted). Plain text; a pure function of the findings, like the other renderers.

#include <cstdint>
#include <string>
#include <vector>

#include "store/ledger_files.h"
#include "store/ledger_health.h"

namespace tally::render {

// The report on the ledger at `path` when there is no file there yet.
std::string render_no_ledger(const std::string& path);

// The report on the ledger at `path`, `bytes` long, with the health check `health` and the
// `leftovers` beside it.
std::string render_doctor(const std::string& path, std::uintmax_t bytes,
                          const store::LedgerHealth& health,
                          const std::vector<store::LeftoverFile>& leftovers);

}  // namespace tally::render
