#pragma once

// The facts of Claude Code's status bar for one session (`tally statusline`), fast enough
// for every refresh.
//
// A refresh reads what changed across every session, but does not walk every log the
// agents ever wrote: it looks at the session's own files (the transcript and its sub-agent
// transcripts) and at the files written in the last hours, and walks everything only when
// a log directory changed or the last full walk is over 10 minutes old
// (ingest/refresh.h). "Today" and the burn rate then come from the ledger.

#include "analytics/status.h"
#include "core/result.h"
#include "sources/claude_hook.h"

namespace tally::app {

// The status of the session `hook` names (an empty hook: today and the burn rate only) from
// the user's ledger, as of the clock once the session's files are read. Fails when the
// config or the ledger does.
Result<analytics::StatusFacts> session_status(const sources::HookInput& hook);

}  // namespace tally::app
