#pragma once

// A quick refresh: what changed across every session, without walking every root.
//
// `tally statusline` runs on every status-bar refresh of every Claude Code session, so it
// has a few milliseconds. A full run stats every log the agents ever wrote (thousands) and
// lists every directory; a quick refresh instead looks at
//   - the files it is given (the statusline's own session),
//   - the files written lately: those whose stored cursor's mtime is within kHotWindow, a
//     few dozen even for a heavy user (the sessions in flight and their sub-agents),
//   - the directories above them up to their root, and every root: a new log file changes
//     its directory's mtime, and a new session directory its parent's.
// If one of those directories changed since the last full walk, or the last full walk is
// older than kWalkEvery (or unknown), the refresh walks everything as a full run does.
//
// What a quick refresh can miss, until the next walk (at most kWalkEvery later): lines
// appended to a file untouched for longer than kHotWindow (a session resumed after a
// pause), and new files in a directory that holds no recently written file (a new day's
// Codex folder when Codex has not run in the last hours).
//
// The time of the last full walk is a mark file's mtime (beside the ledger): a local hint,
// never ledger data, so a lost or stale mark only makes refreshes walk everything. All
// times here are the file system's (CLOCK_REALTIME), never a pinned TALLY_NOW.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "sources/adapter.h"
#include "store/ledger.h"

namespace tally::ingest {

inline constexpr std::int64_t kHotWindowNs = 6LL * 3600 * 1'000'000'000;  // 6 hours
inline constexpr std::int64_t kWalkEveryNs = 10LL * 60 * 1'000'000'000;   // 10 minutes
// File systems stamp mtimes from a coarse clock (a tick behind CLOCK_REALTIME) or round
// them (to 1 or 2 s on some): a directory changed just after a walk began may carry a
// time before it. Any directory stamped this close before the walk counts as changed.
inline constexpr std::int64_t kTimestampSlackNs = 2LL * 1'000'000'000;

struct RefreshPlan {
  // Walk every root as a full run does; `reason` says why (for TALLY_TIMING and tests).
  bool walk_all = false;
  std::string reason;
  // Otherwise the files that changed since their cursor (stat'ed, ready for
  // IngestOptions::only_files); empty when nothing did.
  std::vector<sources::SourceFile> changed;
  std::int64_t looked_at = 0;  // files stat'ed
};

// Plans a quick refresh of `ledger` at `now_ns` (CLOCK_REALTIME), the last full walk
// having started at `last_walk_ns` (nullopt: unknown). `named` are files to look at
// whatever their age. Fails only when the ledger cannot be read.
Result<RefreshPlan> plan_refresh(store::Ledger& ledger,
                                 const std::vector<std::unique_ptr<sources::Adapter>>& adapters,
                                 const sources::DiscoveryEnv& env,
                                 std::vector<sources::SourceFile> named,
                                 std::optional<std::int64_t> last_walk_ns, std::int64_t now_ns);

// The mark of the last full walk for the ledger at `ledger_path` (its mtime, ns), nullopt
// when there is none.
std::optional<std::int64_t> last_walk(const std::string& ledger_path);
// Records that a full walk that started at `started_ns` has been committed. Best effort:
// a mark that cannot be written only makes quick refreshes walk everything.
void mark_walk(const std::string& ledger_path, std::int64_t started_ns);
// CLOCK_REALTIME in ns: the file system's clock, which marks and mtimes are compared with.
std::int64_t realtime_ns();

}  // namespace tally::ingest
