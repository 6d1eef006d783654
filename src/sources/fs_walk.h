#pragma once

// Directory walking for discovery. Symlinked directories are followed (depth-bounded, so a
// cycle ends). A file reachable by two paths is reported twice; ingest reads it once (by
// device and inode).
//
// What cannot be read is never skipped silently: a directory that cannot be listed
// (permissions, a symlink loop, a name too long) may hold logs whose usage would vanish
// without a word, so each such path goes, with its errno's text, to the WalkProblems
// collecting on the calling thread (ingest reports them as warnings). Only what is not there
// is no problem: a missing root (the agent is not installed), a directory or file that
// vanished while being walked, a dangling symlink.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/problem.h"

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

// Collects, while it lives, what every walk_files() on the constructing thread could not
// read: one ParseProblem per path (line 0, `what` such as "cannot list directory:
// Permission denied"), in path order per walk. Discovery runs inside one, so the adapters,
// which call walk_files() themselves, need not carry a list through their interface.
// Scopes nest (the innermost collects); without one, walk_files() reports nothing. Must be
// destroyed on the thread that made it, before `sink`.
class WalkProblems {
 public:
  explicit WalkProblems(std::vector<ParseProblem>& sink);
  ~WalkProblems();
  WalkProblems(const WalkProblems&) = delete;
  WalkProblems& operator=(const WalkProblems&) = delete;

 private:
  std::vector<ParseProblem>* previous_;
};

// Calls `visit(path, stat)` for each regular file below `root` whose name ends in one of
// `suffixes` (e.g. ".jsonl"), in byte order of the paths. Depth is bounded by `max_depth`.
// Missing roots are no error; unreadable paths go to the thread's WalkProblems (above).
// Directories are listed, and their files stat'ed, by two threads; `visit` is called from the
// calling thread only, after the listing. The stat is taken relative to the open directory
// (fstatat), which spares the kernel a lookup of every component of every path: a run with
// nothing new is mostly this walk.
void walk_files(const std::string& root, int max_depth,
                std::initializer_list<std::string_view> suffixes,
                const std::function<void(const std::string&, const FileStat&)>& visit);

// Returns the last path component of `path`.
std::string base_name(std::string_view path);

}  // namespace tally::sources
