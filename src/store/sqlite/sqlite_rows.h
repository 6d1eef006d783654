#pragma once

// How a UsageRecord maps to a row of the SQLite ledger's `usage` table and back: the one
// place that knows the column order of the upsert and of record reads.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/session_facts.h"
#include "core/usage.h"
#include "pricing/pricer.h"
#include "store/backend.h"
#include "store/ledger.h"
#include "store/sqlite/sqlite_db.h"

namespace tally::store {

CostSource parse_cost_source(const std::string& s);
// The agent a ledger row names. Fails (Errc::unsupported, "the ledger has ...") on a name
// the registry does not know (a tally with other agents wrote the row): never guessed.
Result<Agent> stored_agent(std::string_view name);
// The six token columns input, cache_read, cache_write, cache_write_1h, output, reasoning,
// in that order from column `first`: every ledger table stores them so.
TokenCounts read_tokens(const Statement& s, int first);
// Binds the six token columns, in the same order, to parameters `first`..`first + 5`.
void bind_tokens(Statement& s, int first, const TokenCounts& t);

// Inserts a record, or replaces the stored row of the same id (the accounting core has
// decided that this copy is the better one). 34 parameters, bound by bind_record(). Used
// through RecordWriter (record_writer.h), which keeps the rollup exact.
extern const std::string_view kReplaceUsage;
// The plain insert with the same parameters: no row changes when the id is stored already
// (sqlite3_changes() == 0).
extern const std::string_view kInsertUsage;
// The columns read_record() expects, in order, and how many they are (a query may select
// more after them).
extern const std::string_view kRecordColumns;
inline constexpr int kRecordColumnCount = 28;

// Binds `r` priced as `cost` to the 34 parameters of kReplaceUsage (or an insert with the
// same parameters), by reference: run the statement while `r` and `cost` live.
Status bind_record(Statement& s, const UsageRecord& r, const pricing::Cost& cost);
// Reads a record from a row selected with kRecordColumns. Fails on an unknown agent.
Result<UsageRecord> read_record(const Statement& s);

// Inserts (or replaces) one file's session facts: 25 parameters, bound by bind_facts().
extern const std::string_view kInsertFacts;
// The per-file facts columns read_facts() expects, in order.
extern const std::string_view kFactsColumns;

// Binds `f`, read from the file at (machine, path), to the parameters of kInsertFacts
// (copied).
void bind_facts(Statement& s, const SessionFacts& f, const std::string& machine,
                const std::string& path);
// Reads one file's facts from a row selected with kFactsColumns. Fails on an unreadable
// encoded list or an unknown agent.
Result<SessionFacts> read_facts(const Statement& s);

// The stored cursors of `machine` whose mtime_ns >= min_mtime_ns, without parser_state.
Result<std::vector<FileCursor>> read_file_cursors(Database& db, const std::string& machine,
                                                  std::int64_t min_mtime_ns);
// The stored cursor of (machine, path), or nullopt when the file was never read.
Result<std::optional<FileCursor>> read_file_cursor(Database& db, const std::string& machine,
                                                   const std::string& path, bool with_state);

// The highest sequence applied for a stream; 0 when none.
Result<std::int64_t> read_stream_sequence(Database& db, const std::string& machine,
                                          const std::string& source);
// Every snapshot of a session (store/backend.h SessionKey), every machine's.
Result<std::vector<CumulativeSnapshot>> read_snapshots(Database& db, const SessionKey& key);
// The (agent, session_id) rows `sql` selects, as session keys.
Result<std::vector<SessionKey>> read_session_keys(Database& db, std::string_view sql);
// The value of `key` in the meta table; empty when not set.
Result<std::string> read_meta(Database& db, const std::string& key);

}  // namespace tally::store
