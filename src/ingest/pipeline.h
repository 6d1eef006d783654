#pragma once

// The scan+commit pass of an ingest: worker threads scan the files to read (open, read new
// bytes, parse), each with its own ScanScratch; the calling thread alone talks to the
// ledger, applying batches to an open write as they arrive and committing every
// options.batch_records records or batch_files files. The queue between them is bounded by
// the bytes of pending records, so memory stays flat however large the history is; parsing
// of the next files overlaps the writes of the previous ones. A long file's parts go to the
// queue as they are read, ahead of its last one.

#include <vector>

#include "core/result.h"
#include "ingest/discover.h"
#include "ingest/ingest.h"
#include "pricing/pricer.h"
#include "store/ledger.h"

namespace tally::ingest {

// Reads `files` and commits what they hold. Fails only when the ledger cannot be written
// (what was committed before stays: a later run resumes from the cursors).
Status scan_and_commit(store::Ledger& ledger, const pricing::Pricer& pricer,
                       const IngestOptions& options, const std::vector<ToScan>& files,
                       IngestStats& stats);

}  // namespace tally::ingest
