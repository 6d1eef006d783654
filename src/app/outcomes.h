#pragma once

// What the spend bought (issue 18), gathered: the ledger's session facts (their git marks)
// attributed in the repositories on this machine (src/outcomes, libgit2), joined with each
// session's cost. Reads repositories, never writes, fetches or runs git; nothing is stored
// (a repository deleted since is a warning, its sessions' commits then unknown).

#include <string>
#include <vector>

#include "analytics/outcomes.h"
#include "analytics/session_view.h"
#include "outcomes/attribute.h"
#include "store/ledger.h"

namespace tally::app {

Result<analytics::OutcomeReport> gather_outcomes(store::Ledger& ledger,
                                                 const store::RecordFilter& filter,
                                                 const outcomes::AttributeOptions& options);

// --repo-map OLD=NEW entries as attribution options; invalid_argument for an entry that is
// not two paths around '='.
Result<outcomes::AttributeOptions> parse_repo_map(const std::vector<std::string>& entries);

// Fills the anatomy's commits, PRs and unchecked count (`tally session`): every session's
// marks are attributed (a commit belongs to the earliest claim), this session's kept; its
// outcome warnings join the anatomy's.
// `repo_map`: --repo-map entries (parse_repo_map).
Status add_session_outcomes(store::Ledger& ledger, const std::vector<std::string>& repo_map,
                            analytics::SessionAnatomy& anatomy);

}  // namespace tally::app
