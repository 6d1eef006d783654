#pragma once

// The facts of Claude Code's status bar for one session (`tally statusline`), fast enough
// for every refresh.
//
// A refresh does not look for new logs everywhere. It reads only the session's own files
// (the transcript and its sub-agent transcripts) from their cursors, and answers "today"
// and the burn rate from the ledger as it is; any other tally command brings the whole
// ledger up to date.

#include "analytics/status.h"
#include "core/result.h"
#include "sources/claude_hook.h"

namespace tally::app {

// The status of the session `hook` names (an empty hook: today and the burn rate only) from
// the user's ledger, as of the clock once the session's files are read. Fails when the
// config or the ledger does.
Result<analytics::StatusFacts> session_status(const sources::HookInput& hook);

}  // namespace tally::app
