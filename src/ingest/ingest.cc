// One ingest run, as a list of passes (in the manner of mold's main): each says why it
// runs, and TALLY_TIMING=1 prints how long it took.
//
// Order does not matter for correctness: records are upserted by stable id with a
// deterministic preference (core/usage.h better_copy), and reconciliation runs once at the
// end over the sessions every commit marked dirty.

#include "ingest/ingest.h"

#include "ingest/discover.h"
#include "ingest/pipeline.h"
#include "ingest/timing.h"

namespace tally::ingest {

Result<IngestStats> run_ingest(store::Ledger& ledger, const pricing::Pricer& pricer,
                               const std::vector<std::unique_ptr<sources::Adapter>>& adapters,
                               const IngestOptions& options) {
  IngestStats stats;

  // Reprice: a changed price table reprices history before new records join it.
  {
    const PhaseTimer pass("reprice");
    auto repriced = ledger.reprice_if_needed(pricer);
    TALLY_TRY(repriced);
    stats.repriced = *repriced;
  }

  // Discover: every agent's files with their stat, beside the load of the cursors.
  std::vector<store::FileCursor> cursors;
  std::vector<Found> found;
  {
    const PhaseTimer pass("discover");
    auto discovered = discover(ledger, adapters, options, stats, cursors);
    TALLY_TRY(discovered);
    found = std::move(*discovered);
  }

  // Match: an unchanged file costs its stat; the others are read from their cursor.
  std::vector<ToScan> files;
  {
    const PhaseTimer pass("match");
    auto matched = match(ledger, std::move(found), std::move(cursors), stats);
    TALLY_TRY(matched);
    files = std::move(*matched);
  }

  // Scan and commit: workers read and parse, this thread writes, overlapped.
  {
    const PhaseTimer pass("scan+commit");
    TALLY_TRY(scan_and_commit(ledger, pricer, options, files, stats));
  }

  // Reconcile: settle the sessions the commits marked dirty (unlogged calls, reported
  // costs), once, after every file is in.
  {
    const PhaseTimer pass("reconcile");
    auto settled = ledger.reconcile(pricer);
    TALLY_TRY(settled);
    stats.sessions_settled = *settled;
  }
  return stats;
}

}  // namespace tally::ingest
