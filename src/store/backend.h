#pragma once

// The storage port: what the accounting core (store/accountant.h) needs from a place that
// keeps a ledger. A backend stores and finds rows; it decides nothing about usage. Which
// copy of a record wins, when a batch is stale, which sessions need settling, what an
// unlogged record is and what it costs: all of that is the core's, written once for every
// backend.
//
// Threading and atomicity (in the manner of leveldb's env.h):
// * A Backend is used by one thread at a time; a process that wants two threads opens two.
//   Several Backends (in one process or in several) may share one store: the store's own
//   locking keeps them consistent.
// * begin_write() takes the store's write lock, waiting for another writer's commit or
//   rollback (it fails only after a long wait). While a BackendWrite lives, no other
//   writer runs, so a read through the BackendWrite followed by a write based on it is
//   safe (the better-copy check, the stale-batch check).
// * A BackendWrite's changes are invisible to every reader, and not durable, until
//   commit(). Destroying it without commit() rolls everything back; so does a crash, a kill
//   or a power cut at any moment before commit() returns.
// * Reads on the Backend outside a write see the latest committed state, and each read
//   sees one consistent state.
// * Errors: any failed call may leave the BackendWrite unusable; the caller then destroys
//   it (rolling back). Messages say what failed in plain words.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/problem.h"
#include "core/result.h"
#include "core/session_facts.h"
#include "core/usage.h"
#include "pricing/pricer.h"
#include "store/ledger.h"
#include "store/reconcile.h"

namespace tally::store {

// A session as the accounting settles it: its agent and its root session id (sub-agents
// roll into the session that spawned them).
struct SessionKey {
  Agent agent = Agent::claude;
  std::string session;
  auto operator<=>(const SessionKey&) const = default;
};

// One write transaction (see the contract above).
class BackendWrite {
 public:
  virtual ~BackendWrite() = default;

  // Progress.
  // The stored cursor of (machine, path) without its parser state; nullopt: never read.
  virtual Result<std::optional<FileCursor>> file_cursor(const std::string& machine,
                                                        const std::string& path) = 0;
  virtual Status put_file_cursor(const FileCursor& cursor) = 0;
  // The highest sequence applied for (machine, source); 0 when none.
  virtual Result<std::int64_t> stream_sequence(const std::string& machine,
                                               const std::string& source) = 0;
  virtual Status put_stream_sequence(const StreamPosition& position) = 0;

  // Records (by id).
  // Inserts `r` priced as `cost` when no record has its id, and returns nullopt; otherwise
  // writes nothing and returns the stored copy (without its cost).
  virtual Result<std::optional<UsageRecord>> insert_record(const UsageRecord& r,
                                                           const pricing::Cost& cost) = 0;
  // Replaces the stored record of r.id with `r` priced as `cost`. A reported cost the new
  // copy lacks is kept from the old one.
  virtual Status replace_record(const UsageRecord& r, const pricing::Cost& cost) = 0;
  // Sets the price of the record `id`; `reported_cost_usd`, when set, replaces the stored one.
  virtual Status set_cost(const std::string& id, std::optional<double> reported_cost_usd,
                          const pricing::Cost& cost) = 0;
  // Every record (repricing reads them all), in no particular order.
  virtual Result<std::vector<UsageRecord>> all_records() = 0;
  // The records of a session (its sub-agents' included), of `kind` when set and of `model`
  // when not empty, oldest first (ties by id).
  virtual Result<std::vector<UsageRecord>> session_records(const SessionKey& key,
                                                           std::optional<RecordKind> kind,
                                                           const std::string& model) = 0;
  // What reconcile reads of a session's logged spend: the model, time and tokens of each of
  // its `response` records (its sub-agents' included), in no particular order.
  virtual Result<std::vector<LoggedUsage>> logged_usage(const SessionKey& key) = 0;
  // The `response` record whose project and people the session's unlogged spend takes: the
  // root's own earliest (ties by id), else the earliest of a sub-agent; nullopt when none.
  virtual Result<std::optional<UsageRecord>> first_response(const SessionKey& key) = 0;
  // Deletes the session's `unlogged` records (reconcile writes them anew).
  virtual Status delete_unlogged(const SessionKey& key) = 0;

  // What a batch brings besides records, keyed by the batch's machine.
  // Snapshots are keyed by (machine, source_file, source_offset): a re-read replaces them.
  virtual Status put_snapshot(const std::string& machine, const CumulativeSnapshot& s) = 0;
  // Facts are per (machine, file, session); problems per (machine, file, line).
  virtual Status put_facts(const std::string& machine, const std::string& path,
                           const SessionFacts& f) = 0;
  virtual Status put_problem(const std::string& machine, const ParseProblem& p) = 0;
  // Deletes the facts and problems read from (machine, path): a file read again from its
  // start recomputes them. Records and snapshots stay.
  virtual Status delete_file_rows(const std::string& machine, const std::string& path) = 0;
  // The session's snapshots, every machine's (a session runs on one).
  virtual Result<std::vector<CumulativeSnapshot>> snapshots(const SessionKey& key) = 0;
  // Sessions with at least one snapshot that carries a cost.
  virtual Result<std::vector<SessionKey>> sessions_with_reported_cost() = 0;

  // Sessions to settle.
  virtual Status mark_dirty(const std::vector<SessionKey>& keys) = 0;
  virtual Result<std::vector<SessionKey>> dirty_sessions() = 0;
  virtual Status clear_dirty() = 0;

  // Small named values (the price table's fingerprint).
  virtual Result<std::string> meta(const std::string& key) = 0;
  virtual Status put_meta(const std::string& key, const std::string& value) = 0;

  // Makes every change durable and visible at once. Call once.
  virtual Status commit() = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual Result<std::unique_ptr<BackendWrite>> begin_write() = 0;

  // Reads of the latest committed state, without the write lock.
  virtual Result<std::optional<FileCursor>> file_cursor(const std::string& machine,
                                                        const std::string& path) = 0;
  // Every cursor of `machine` whose mtime_ns >= min_mtime_ns, without parser state.
  virtual Result<std::vector<FileCursor>> file_cursors(const std::string& machine,
                                                       std::int64_t min_mtime_ns) = 0;
  virtual Result<std::int64_t> stream_sequence(const std::string& machine,
                                               const std::string& source) = 0;
  virtual Result<bool> any_dirty() = 0;
  virtual Result<std::string> meta(const std::string& key) = 0;

  // The questions of store::Ledger, answered from stored rows (see ledger.h for each).
  virtual Result<std::vector<AggregateRow>> aggregate(const RecordFilter& filter,
                                                      const GroupBy& group) = 0;
  virtual Result<std::vector<UsageEvent>> events(const RecordFilter& filter) = 0;
  virtual Result<std::vector<TimeMs>> active_buckets(std::optional<TimeMs> since) = 0;
  virtual Result<std::vector<TreeCost>> session_tree_costs(Agent agent,
                                                           const std::string& root_session) = 0;
  virtual Result<ProblemSummary> problems(std::int64_t limit) = 0;
  // One row per (file, session) whose session id starts with `prefix`, ordered by agent,
  // session, first_ts, then file: the core merges them per session.
  virtual Result<std::vector<SessionFacts>> file_facts(const std::string& prefix) = 0;
  virtual Result<std::int64_t> record_count() = 0;
  virtual Result<std::vector<PriceCheckRow>> price_check() = 0;

  // True when this process may only read the store (a ledger file it may not write): every
  // write fails, so ingest, repricing and reconcile are not attempted.
  virtual bool read_only() const { return false; }

  // Called after the last write of an ingest run: a backend that loads a new store in a
  // faster, less durable mode leaves it here (SQLite: back to WAL).
  virtual void end_bulk_load() {}
};

}  // namespace tally::store
