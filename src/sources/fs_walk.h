#pragma once

// Error-tolerant directory walking for discovery: unreadable or vanished directories are
// skipped (they are not the user's problem until they hold logs), symlinked directories
// are followed (depth-bounded, so a cycle ends). A file reachable by two paths is reported
// twice; ingest reads it once (by device and inode).

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace tally::sources {

// What one stat() tells of a file: enough for ingest to see that it has not changed since
// its cursor was saved (same device, inode, size and mtime) without opening it.
struct FileStat {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  int error = 0;  // errno of a failed stat (the other fields are then zero)
};

// stat(2) of `path` (symlinks followed) as a FileStat.
FileStat stat_path(const std::string& path);

// Calls `visit(path, stat)` for each regular file below `root` whose name ends in one of
// `suffixes` (e.g. ".jsonl"), in byte order of the paths. Depth is bounded by `max_depth`.
// Missing roots are no error. Directories are listed, and their files stat'ed, by two
// threads; `visit` is called from the calling thread only, after the listing. The stat is
// taken relative to the open directory (fstatat), which spares the kernel a lookup of every
// component of every path: a run with nothing new is mostly this walk.
void walk_files(const std::string& root, int max_depth,
                std::initializer_list<std::string_view> suffixes,
                const std::function<void(const std::string&, const FileStat&)>& visit);

// Returns the last path component of `path`.
std::string base_name(std::string_view path);

}  // namespace tally::sources
