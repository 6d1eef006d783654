#pragma once

// What the spend bought (issue 18), gathered: the ledger's session facts (their git marks)
// attributed in the repositories on this machine (src/outcomes, libgit2), joined with each
// session's cost. Reads repositories, never writes, fetches or runs git; nothing is stored
// (a repository deleted since is a warning, its sessions' commits then unknown).

#include "analytics/outcomes.h"
#include "outcomes/attribute.h"
#include "store/ledger.h"

namespace tally::app {

Result<analytics::OutcomeReport> gather_outcomes(store::Ledger& ledger,
                                                 const store::RecordFilter& filter,
                                                 const outcomes::AttributeOptions& options);

}  // namespace tally::app
