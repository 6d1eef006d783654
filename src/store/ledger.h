#pragma once

// The ledger: durable storage of usage records, source progress (file cursors, stream
// positions), cumulative snapshots, session facts and parse problems, and the questions
// reports ask of it.
//
// One implementation keeps the accounting rules (store/accountant.h) and talks to storage
// through a narrow port (store/backend.h): SQLite (store/sqlite/), an in-memory backend for
// tests (store/memory_backend.h), PostgreSQL for the team server later. open_ledger()
// (store/open_ledger.h) picks the backend from a location's scheme. ExplainedLedger in
// app/explained_ledger wraps a Ledger, which is why this stays an interface.
//
// Contracts every implementation keeps:
// * commit() is atomic (and so is a LedgerWrite's commit): a batch's records, snapshots,
//   facts, problems and its progress land together or not at all, so a run killed at any
//   moment leaves totals that the next run completes exactly (never double counts: records
//   are keyed by their stable ids, progress says what was applied).
// * Records are upserted by id. Of two copies, the main-chain one wins over a sidechain
//   replay; between equals, the one with the larger token total (agent-logs.md §2 rule 1;
//   core/usage.h better_copy).
// * Sessions touched by a commit are marked dirty in the same transaction, and
//   reconcile() settles them later, also atomically, so a crash between the two is healed
//   by the next run.
// * Nothing is ever deleted because a source file disappeared.

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/problem.h"
#include "core/result.h"
#include "core/session_facts.h"
#include "core/time.h"
#include "core/usage.h"
#include "pricing/pricer.h"

namespace tally::store {

// How far a file has been read. `offset` is the end of the last complete line consumed;
// the head fingerprint (`head_hash` over the first `head_len` bytes) tells an appended file
// from a rewritten or replaced one. A cursor is keyed by machine and path: `machine` is
// empty for this machine's files, and names the machine a pushed ledger's files were read on.
struct FileCursor {
  std::string machine;
  std::string path;
  Agent agent = Agent::claude;
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t offset = 0;
  std::int64_t lines = 0;
  std::uint64_t head_hash = 0;
  std::int64_t head_len = 0;
  std::string parser_state;
};

// How far a stream of records has been applied: OTLP events from one exporter, the batches
// of one pushed ledger. A source numbers its batches with increasing sequence numbers; a
// batch at or below the stored sequence was applied already and is dropped (so a retried
// delivery is harmless). A source with idempotency keys instead of sequences uses one
// source per key ("push:<key>") and sequence 1.
struct StreamPosition {
  std::string machine;  // where the stream's records come from ("" = this machine)
  std::string source;   // e.g. "otlp:<service.instance.id>"
  std::int64_t sequence = 0;
};

// One unit of new data and how far it takes its source: a file's new lines (`cursor`, and
// `base`) or a stream's next batch (`stream`).
struct WriteBatch {
  // A file: the cursor after this batch.
  FileCursor cursor;
  // The cursor this batch was read from (nullopt: the file was read from its start). If the
  // ledger's cursor no longer matches it (another process got there first), the batch is
  // dropped rather than applied twice.
  std::optional<FileCursor> base;
  // A stream: set instead of `cursor` (whose path is then empty).
  std::optional<StreamPosition> stream;
  std::vector<UsageRecord> records;
  // records[i] priced (by the ingest worker that read it, off the committing thread); empty
  // when the ledger is to price them itself.
  std::vector<pricing::Cost> costs;
  std::vector<CumulativeSnapshot> snapshots;
  std::vector<SessionFacts> sessions;
  std::vector<ParseProblem> problems;

  // Where the batch was read: its snapshots, facts and problems are keyed by this machine.
  const std::string& machine() const { return stream ? stream->machine : cursor.machine; }
};

struct CommitStats {
  std::int64_t files = 0;
  std::int64_t records = 0;
  std::int64_t stale_batches = 0;  // dropped: another process had already applied them
};

// One write transaction over several calls (Ledger::begin_write). Destroying it without
// commit() rolls back everything it applied.
class LedgerWrite {
 public:
  virtual ~LedgerWrite() = default;
  // Applies `batches` as Ledger::commit does, inside the transaction: nothing is visible
  // to other readers, or durable, before commit().
  virtual Result<CommitStats> apply(std::span<WriteBatch> batches) = 0;
  // Makes everything applied so far durable and visible at once. Call once.
  virtual Status commit() = 0;
};

// Which records a query covers. Empty fields do not filter.
struct RecordFilter {
  std::optional<TimeMs> since;  // inclusive
  std::optional<TimeMs> until;  // exclusive
  std::optional<Agent> agent;
  std::string project;  // substring of the project path
  std::string session;  // id prefix (matches a session or its sub-agents)
  // Exact root session id: the session and its sub-agents, nothing else. With `agent` set
  // it is an index lookup (a statusline refresh), where `session` scans every record.
  std::string root_session;
};

// Dimensions a query can group by.
struct GroupBy {
  bool time_bucket = false;  // 15-minute UTC buckets (fine enough for any zone offset)
  bool agent = false;
  bool model = false;
  bool project = false;
  bool root_session = false;  // sub-agents roll into the session that spawned them
  bool session = false;       // each session, sub-agents apart
  bool user = false;          // who, where and which team (records keep all three)
  bool machine = false;
  bool team = false;
  // With time_bucket, optional: the zone whose local days the report is made of. The ledger
  // may then merge the 15-minute buckets of one local day into one row whose `bucket` is the
  // day's start (Zone::start_of). A daily report so gets a row per day and model instead of
  // one per quarter hour. Data, not a callback, so that a SQL backend can push it down
  // (PostgreSQL: date_trunc in the zone). The zone must be the process's (Zone::use).
  // Callers must accept either grain (the ledger may not merge).
  std::optional<Zone> local_days;
};

struct AggregateRow {
  std::int64_t bucket =
      0;  // start of the 15-minute bucket, ms (or of its local day: GroupBy::local_days)
  Agent agent = Agent::claude;
  std::string model;
  std::string project;
  std::string session;
  std::string user;
  std::string machine;
  std::string team;
  CostSource cost_source = CostSource::computed;
  std::int64_t requests = 0;
  std::int64_t fast_requests = 0;  // of `requests`, those in fast mode or at priority
                                   // (core/usage.h in_fast_mode)
  TokenCounts tokens;
  double cost_usd = 0;
  double standard_cost_usd = 0;  // as if fast/priority had run at standard rates
  // Earliest and latest record; exact when grouped by session, otherwise as precise as the
  // 15-minute buckets the ledger may answer from.
  TimeMs first_ts = 0;
  TimeMs last_ts = 0;
};

// One record, without its provenance: what timelines need (5-hour blocks, concurrency,
// session anatomy). Costs as priced; `root_session` is the parent for a sub-agent.
struct UsageEvent {
  TimeMs ts = 0;
  Agent agent = Agent::claude;
  RecordKind kind = RecordKind::response;
  std::string session_id;
  std::string root_session;
  std::string project;
  std::string model;
  std::string effort;
  std::string speed;
  bool fast_mode = false;  // core/usage.h in_fast_mode (fast speed or priority processing)
  TokenCounts tokens;
  double cost_usd = 0;
  double standard_cost_usd = 0;
  CostSource cost_source = CostSource::computed;
};

// A record of one session tree (a session and its sub-agents), with what a status line
// needs of it (Ledger::session_tree_costs).
struct TreeCost {
  TimeMs ts = 0;
  bool own_response = false;       // a response of the root session itself, not a sub-agent's
  std::string model;               // set for own responses only
  std::int64_t prompt_tokens = 0;  // TokenCounts::prompt()
  double cost_usd = 0;
  CostSource cost_source = CostSource::computed;
};

inline constexpr std::int64_t kBucketMs = 15 * 60 * 1000;

struct ProblemSummary {
  std::int64_t total = 0;
  std::vector<ParseProblem> first;  // the earliest few, for warnings
  std::int64_t acknowledged = 0;    // new_problems(): how many were left out as acknowledged
};

// Per (agent, model): how its records were priced, for `tally prices check`.
struct PriceCheckRow {
  Agent agent = Agent::claude;
  std::string model;
  std::string priced_as;  // the table key (any one, when several)
  std::int64_t requests = 0;
  std::int64_t unpriced_requests = 0;
  std::int64_t reported_requests = 0;  // records priced from the agent's own figure
  // Sessions whose agent reported a cost (Claude cost-state) for a model the table prices:
  // their records, tally's cost for them, and the agent's figure for the same sessions.
  std::int64_t both_requests = 0;
  double computed_usd = 0;
  double reported_usd = 0;
  double reported_only_usd = 0;  // the agent's cost where tally has no price
};

// Ledger::cursors() of every file, whatever its mtime.
inline constexpr std::int64_t kAllCursors = std::numeric_limits<std::int64_t>::min();

class Ledger {
 public:
  virtual ~Ledger() = default;

  // The stored cursor for this machine's file `path`, or nullopt if it was never read.
  virtual Result<std::optional<FileCursor>> cursor(const std::string& path) = 0;
  // The stored cursors of this machine whose file's mtime at its last read is at least
  // `min_mtime_ns` (kAllCursors: every one; one query, for a whole ingest run), without
  // parser_state: the unchanged-file check needs none, and cursor() gives it for the files
  // that changed. A quick refresh asks for the files written lately (ingest/refresh.h).
  virtual Result<std::vector<FileCursor>> cursors(std::int64_t min_mtime_ns) = 0;
  // How far a stream has been applied: its highest sequence, 0 when none (StreamPosition).
  virtual Result<std::int64_t> stream_sequence(const std::string& machine,
                                               const std::string& source) = 0;
  // Applies `batches` in one transaction, pricing new records with `pricer`: one
  // begin_write, apply and commit, the same for every implementation.
  Result<CommitStats> commit(std::span<WriteBatch> batches, const pricing::Pricer& pricer) {
    auto write = begin_write(pricer);
    TALLY_TRY(write);
    auto stats = (*write)->apply(batches);
    TALLY_TRY(stats);
    TALLY_TRY((*write)->commit());
    return *stats;
  }
  // Opens a write transaction (taking the write lock, waiting for another process's) that
  // batches are applied to as they arrive; they land together at its commit(). A cold
  // ingest's committing thread so works while the workers read, instead of idling until a
  // commit's worth of batches is queued. Records without a cost are priced with `pricer`.
  virtual Result<std::unique_ptr<LedgerWrite>> begin_write(const pricing::Pricer& pricer) = 0;
  // Settles every dirty session: unlogged records from snapshots, agent-reported cost
  // shares, prices. Returns how many sessions it settled.
  virtual Result<std::int64_t> reconcile(const pricing::Pricer& pricer) = 0;
  // Reprices every record when `pricer.fingerprint()` differs from the one the ledger was
  // priced with. Returns the number of records repriced (0 when already current).
  virtual Result<std::int64_t> reprice_if_needed(const pricing::Pricer& pricer) = 0;

  virtual Result<std::vector<AggregateRow>> aggregate(const RecordFilter& filter,
                                                      const GroupBy& group) = 0;
  // Every record `filter` covers, oldest first (ties in a stable order).
  virtual Result<std::vector<UsageEvent>> events(const RecordFilter& filter) = 0;
  // The start of every 15-minute bucket (kBucketMs) at or after `since` (every one when
  // nullopt, which must be a bucket start otherwise) that aggregate() with
  // GroupBy::time_bucket would return a row for, ascending: what 5-hour blocks are cut from
  // (analytics/blocks.h), without the sums a statusline refresh does not need.
  virtual Result<std::vector<TimeMs>> active_buckets(std::optional<TimeMs> since) = 0;
  // The records of `agent`'s session `root_session` and of its sub-agents, in events()
  // order: what events() gives for that root session, narrowed to what a status line
  // folds, so that a refresh reads and sorts less.
  virtual Result<std::vector<TreeCost>> session_tree_costs(Agent agent,
                                                           const std::string& root_session) = 0;
  virtual Result<ProblemSummary> problems(std::int64_t limit) = 0;
  // `tally problems --ack`: remembers every problem stored now (by file, line and what),
  // so that new_problems() leaves them out; returns how many. A problem that goes away
  // and comes back later is still acknowledged. Writes: fails on a read-only ledger.
  virtual Result<std::int64_t> acknowledge_problems() = 0;
  // problems() without the acknowledged ones (their count in `acknowledged`): what
  // reports warn about.
  virtual Result<ProblemSummary> new_problems(std::int64_t limit) = 0;
  // Facts of sessions whose id starts with `prefix` (all when empty), merged per session.
  virtual Result<std::vector<SessionFacts>> sessions(const std::string& prefix) = 0;
  virtual Result<std::int64_t> record_count() = 0;
  virtual Result<std::vector<PriceCheckRow>> price_check() = 0;
  // True when this process may only read the ledger (a file it may not write): ingest,
  // repricing and reconcile would fail, so callers report what it holds instead.
  virtual bool read_only() const = 0;
};

}  // namespace tally::store
