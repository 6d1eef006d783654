#pragma once

// Error-tolerant directory walking for discovery: unreadable or vanished directories are
// skipped (they are not the user's problem until they hold logs), symlinked directories
// are followed (depth-bounded, so a cycle ends). A file reachable by two paths is reported
// twice; ingest reads it once (by device and inode).

#include <functional>
#include <string>
#include <string_view>

namespace tally::sources {

// Calls `visit(path)` for each regular file below `root` whose name ends in one of
// `suffixes` (e.g. ".jsonl"). Depth is bounded by `max_depth`. Missing roots are no error.
// The root's subdirectories are listed by two threads, but `visit` is called from the
// calling thread only, in depth-first directory order, after the listing.
void walk_files(const std::string& root, int max_depth,
                std::initializer_list<std::string_view> suffixes,
                const std::function<void(const std::string&)>& visit);

// Returns the last path component of `path`.
std::string base_name(std::string_view path);

}  // namespace tally::sources
