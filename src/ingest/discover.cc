// Discovery and matching: see discover.h.

#include "ingest/discover.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "ingest/timing.h"
#include "sources/fs_walk.h"

namespace tally::ingest {
namespace {

// Reported by this run only, like a file that cannot be opened: a path that is readable
// again is read and warns no more, so nothing is stored that would have to be retracted.
// A root listed twice is walked twice; its failures are reported once.
void sort_unique(std::vector<ParseProblem>& problems) {
  std::sort(problems.begin(), problems.end(), [](const ParseProblem& a, const ParseProblem& b) {
    return std::tie(a.file, a.what) < std::tie(b.file, b.what);
  });
  problems.erase(std::unique(problems.begin(), problems.end(),
                             [](const ParseProblem& a, const ParseProblem& b) {
                               return a.file == b.file && a.what == b.what;
                             }),
                 problems.end());
}

}  // namespace

Result<std::vector<Found>> discover(store::Ledger& ledger,
                                    const std::vector<std::unique_ptr<sources::Adapter>>& adapters,
                                    const IngestOptions& options, IngestStats& stats,
                                    std::vector<store::FileCursor>& cursors) {
  std::vector<Found> found_files;
  std::vector<ParseProblem> unreadable;  // paths discovery could not read: warned, not stored
  auto walk = [&] {
    const PhaseTimer walk_timer("(walk+stat)");
    const sources::WalkProblems collect(unreadable);
    for (const auto& adapter : adapters) {
      for (std::string& root : adapter->roots(options.env)) {
        stats.roots.push_back(std::move(root));
      }
      std::vector<sources::SourceFile> found;
      if (options.only_files.empty()) {
        adapter->discover(options.env, found);
      } else {
        for (const sources::SourceFile& f : options.only_files) {
          if (f.agent == adapter->agent()) {
            found.push_back(f);
          }
        }
      }
      for (sources::SourceFile& f : found) {
        if (!f.stat) {
          f.stat = sources::stat_path(f.path);
        }
        found_files.push_back(Found{std::move(f), adapter.get()});
      }
    }
    // A stable order, so that the same file always gets the same cursor.
    std::sort(found_files.begin(), found_files.end(),
              [](const Found& a, const Found& b) { return a.file.path < b.file.path; });
  };
  // The walk of every root runs beside the cursor load; a few named files (a statusline
  // refresh) are stat'ed here, as a thread can wait milliseconds for a core.
  std::thread discoverer;
  if (options.only_files.empty()) {
    discoverer = std::thread(walk);
  } else {
    walk();
  }
  auto all_cursors = [&]() -> Result<std::vector<store::FileCursor>> {
    const PhaseTimer cursors_timer("(cursors)");
    if (options.only_files.empty()) {
      return ledger.cursors(store::kAllCursors);
    }
    // A statusline refresh names its session's few files: their cursors, not the thousands
    // of the whole history.
    std::vector<store::FileCursor> named;
    for (const sources::SourceFile& f : options.only_files) {
      auto c = ledger.cursor(f.path);
      TALLY_TRY(c);
      if (*c) {
        named.push_back(std::move(**c));
      }
    }
    return named;
  }();
  if (discoverer.joinable()) {
    discoverer.join();
  }
  sort_unique(unreadable);
  stats.file_errors = std::move(unreadable);
  TALLY_TRY(all_cursors);
  cursors = std::move(*all_cursors);
  return found_files;
}

Result<std::vector<ToScan>> match(store::Ledger& ledger, std::vector<Found>&& found,
                                  std::vector<store::FileCursor>&& cursors, IngestStats& stats) {
  std::unordered_map<std::string_view, const store::FileCursor*> stored;
  stored.reserve(cursors.size());
  for (const store::FileCursor& c : cursors) {
    stored.emplace(c.path, &c);
  }
  std::vector<ToScan> out;
  std::set<std::pair<std::uint64_t, std::uint64_t>> identities;
  for (Found& f : found) {
    const sources::FileStat& st = *f.file.stat;
    if (st.error != 0) {
      stats.file_errors.push_back(
          ParseProblem{f.file.path, 0, 0, fmt::format("cannot stat: {}", std::strerror(st.error))});
      continue;
    }
    if (!identities.emplace(st.device, st.inode).second) {
      continue;
    }
    ++stats.files_found;
    auto it = stored.find(f.file.path);
    if (it != stored.end()) {
      if (unchanged(*it->second, st)) {
        ++stats.files_unchanged;
        continue;
      }
    }
    std::optional<store::FileCursor> full;
    if (it != stored.end()) {
      auto with_state = ledger.cursor(f.file.path);  // the parser state, for a resume
      TALLY_TRY(with_state);
      full = std::move(*with_state);
    }
    out.push_back(ToScan{std::move(f.file), f.adapter, std::move(full)});
  }
  // What the match needed is not needed while scanning: ~200 bytes a file, kept out of the
  // scan's peak memory (a few MB at tens of thousands of files).
  found = {};
  cursors = {};
  return out;
}

}  // namespace tally::ingest
