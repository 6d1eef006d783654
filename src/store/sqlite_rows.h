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
#include "store/ledger.h"
#include "store/sqlite_db.h"

namespace tally::store {

// The session a record rolls up into: its parent, else itself.
std::string root_of(const UsageRecord& r);
CostSource parse_cost_source(const std::string& s);
// The agent a ledger row names. Fails (Errc::unsupported, "the ledger has ...") on a name
// the registry does not know (a tally with other agents wrote the row): never guessed.
Result<Agent> stored_agent(std::string_view name);
// The six token columns input, cache_read, cache_write, cache_write_1h, output, reasoning,
// in that order from column `first`: every ledger table stores them so.
TokenCounts read_tokens(const Statement& s, int first);
// Binds the six token columns, in the same order, to parameters `first`..`first + 5`.
void bind_tokens(Statement& s, int first, const TokenCounts& t);

// Inserts a record, or replaces the stored copy of the same id when this one is better
// (core/usage.h better_copy, in SQL). 34 parameters, bound by bind_record(). Used through
// RecordWriter (record_writer.h), which keeps the rollup exact.
extern const std::string_view kUpsertUsage;
// The plain insert with the same parameters: no row changes when the id is stored already
// (sqlite3_changes() == 0).
extern const std::string_view kInsertUsage;
// The columns read_record() expects, in order.
extern const std::string_view kRecordColumns;

// Binds `r` priced as `cost` to the 34 parameters of kUpsertUsage (or an insert with the
// same parameters), by reference: run the statement while `r` and `cost` live.
Status bind_record(Statement& s, const UsageRecord& r, const pricing::Cost& cost);
// Reads a record from a row selected with kRecordColumns. Fails on an unknown agent.
Result<UsageRecord> read_record(const Statement& s);

// Inserts (or replaces) one file's session facts: 24 parameters, bound by bind_facts().
extern const std::string_view kInsertFacts;
// The per-file facts columns read_facts() expects, in order.
extern const std::string_view kFactsColumns;

// Binds `f`, read from the file at `path`, to the parameters of kInsertFacts (copied).
void bind_facts(Statement& s, const SessionFacts& f, const std::string& path);
// Reads one file's facts from a row selected with kFactsColumns. Fails on an unreadable
// encoded list or an unknown agent.
Result<SessionFacts> read_facts(const Statement& s);

// The stored cursors of `files` rows matching `where` (SQL after FROM files, with ?1 bound to
// `arg` when it is not empty); parser_state is read only `with_state`.
Result<std::vector<FileCursor>> read_file_cursors(Database& db, const std::string& where,
                                                  const std::string& arg, bool with_state);
// The stored cursor of `path`, or nullopt when the file was never read.
Result<std::optional<FileCursor>> read_file_cursor(Database& db, const std::string& path,
                                                   bool with_state);

}  // namespace tally::store
