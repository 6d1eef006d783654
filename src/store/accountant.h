#pragma once

// The accounting core: every rule that makes the ledger exact, written once for every
// backend (store/backend.h is the port it talks to storage through).
//
// * Dedupe and the better copy: a record is inserted by id; when its id is stored, the
//   copy core/usage.h better_copy() prefers is kept (a reported cost only one copy carries
//   is kept either way).
// * Stale batches: a file batch whose base cursor no longer matches the stored one, or a
//   fresh read of exactly the bytes already applied, is dropped; so is a stream batch at
//   or below its source's stored sequence. Checked inside the write transaction.
// * A file read again from its start has its facts and problems recomputed; its records
//   and snapshots stay.
// * Dirty sessions: every session a batch touches is marked in the same transaction;
//   reconcile() settles them: unlogged records from cumulative snapshots (reconcile.h),
//   agent-reported costs spread over the records of models the price table lacks.
// * Pricing: a record without a cost is priced with the ingest's pricer; a cost that is
//   not a number fails the write; reprice_if_needed() reprices all when the price table's
//   fingerprint changes, and marks sessions with reported costs dirty.
//
// Threading: a ledger is used by one thread at a time (the backend's rule); a LedgerWrite
// holds the backend's write lock until it commits or is destroyed.

#include <memory>

#include "store/backend.h"
#include "store/ledger.h"

namespace tally::store {

// The ledger over `backend`.
std::unique_ptr<Ledger> make_ledger(std::unique_ptr<Backend> backend);

}  // namespace tally::store
