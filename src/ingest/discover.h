#pragma once

// The first passes of an ingest: find every agent's files (discover), and keep those that
// changed since their cursor (match). See ingest.h for the run they belong to.

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "ingest/ingest.h"
#include "sources/adapter.h"
#include "store/ledger.h"

namespace tally::ingest {

// A file found by an adapter, with its stat.
struct Found {
  sources::SourceFile file;
  const sources::Adapter* adapter = nullptr;
};

// A file to read: changed since its cursor, or never read.
struct ToScan {
  sources::SourceFile file;
  const sources::Adapter* adapter = nullptr;
  std::optional<store::FileCursor> cursor;  // with its parser state; nullopt: from the start
};

// Whether a file is as its cursor left it: same device, inode, size and mtime.
inline bool unchanged(const store::FileCursor& c, const sources::FileStat& st) {
  return c.device == st.device && c.inode == st.inode && c.size == st.size &&
         c.mtime_ns == st.mtime_ns;
}

// Discovers every adapter's files (or just options.only_files), stat'ed, sorted by path,
// while this machine's cursors load from the ledger beside it (two threads: on a run with
// nothing new they are the whole cost). Directories that cannot be listed go to
// stats.file_errors; stats.roots gets every root looked in.
Result<std::vector<Found>> discover(store::Ledger& ledger,
                                    const std::vector<std::unique_ptr<sources::Adapter>>& adapters,
                                    const IngestOptions& options, IngestStats& stats,
                                    std::vector<store::FileCursor>& cursors);

// Keeps the files to read. Unchanged files (same device, inode, size and mtime as their
// cursor) cost the stat discovery made: a run with nothing new opens no file. A file
// reached twice (a root listed twice, symlinks) is read once, by device and inode, the
// first path winning. The cursor of a changed file is loaded again with its parser state.
Result<std::vector<ToScan>> match(store::Ledger& ledger, std::vector<Found>&& found,
                                  std::vector<store::FileCursor>&& cursors, IngestStats& stats);

}  // namespace tally::ingest
