#pragma once

// One ingest run: discover every agent's files, read what is new since the ledger's
// cursors, commit it in atomic batches, then settle dirty sessions (reconcile).
//
// Every report runs this first, so the ledger is always current and keeps what it has read
// after the agents delete their logs. A run killed at any point loses at most the batch in
// flight, which the next run reads again.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/problem.h"
#include "core/result.h"
#include "pricing/pricer.h"
#include "sources/adapter.h"
#include "store/ledger.h"

namespace tally::ingest {

// Who the records belong to, stamped on every new record (team roll-ups).
struct Identity {
  std::string user;
  std::string machine;
  std::string team;
};

struct IngestOptions {
  sources::DiscoveryEnv env;
  Identity identity;
  // Commit after this many records or files, whichever comes first. Batches are applied
  // to the open transaction as they arrive; a commit makes them durable. Few large commits:
  // each rewrites the B-tree pages it shares with the others (interior pages, indexes, the
  // rollup), so a cold run of 1 GB is one or two commits. The bound keeps a huge first
  // ingest saving its progress, and lets another process's writes in, every ~50k records.
  std::int64_t batch_records = 50000;
  std::int64_t batch_files = 2048;
  // Scanning threads; 0 = one per core.
  unsigned threads = 0;
  // Records a part of a long file holds (scanner.h PartSink); 0 = the environment's
  // TALLY_PART_RECORDS if set (tests cut every file into parts with it), else kPartRecords.
  std::size_t part_records = 0;
  // When not empty, only these files are considered and nothing is discovered (a
  // statusline refresh reads its own session's transcript, not the whole history).
  // Each file goes to the adapter of its agent.
  std::vector<sources::SourceFile> only_files;
  // Called now and then with (files done, files total); may be empty.
  std::function<void(std::int64_t, std::int64_t)> progress;
};

struct IngestStats {
  std::vector<std::string> roots;  // every directory looked in
  std::int64_t files_found = 0;
  std::int64_t files_read = 0;  // changed since last run
  std::int64_t files_unchanged = 0;
  std::int64_t bytes_read = 0;
  std::int64_t lines = 0;
  std::int64_t records = 0;  // records written (before dedupe by id)
  std::int64_t new_problems = 0;
  std::int64_t stale_batches = 0;
  std::int64_t sessions_settled = 0;
  std::int64_t repriced = 0;
  // What could not be read this run: directories discovery could not list (see
  // sources::WalkProblems), files that could not be stat'ed, opened or read. Reported, not
  // stored: a path readable again is read by the next run and warns no more.
  std::vector<ParseProblem> file_errors;
};

// Runs one ingest into `ledger`. Fails only when the ledger cannot be written.
Result<IngestStats> run_ingest(store::Ledger& ledger, const pricing::Pricer& pricer,
                               const std::vector<std::unique_ptr<sources::Adapter>>& adapters,
                               const IngestOptions& options);

}  // namespace tally::ingest
