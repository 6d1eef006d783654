#pragma once

// Thin RAII wrappers over the SQLite C API: a connection and prepared statements, with
// every failure turned into a Status that names what was being done. Only store/ includes
// sqlite3.h.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include "core/result.h"
#include "store/sqlite/first_load.h"

namespace tally::store {

// A prepared statement kept by Database::prepare_cached(); `in_use` stops two live
// Statements from sharing one sqlite3_stmt.
struct CachedStatement {
  sqlite3_stmt* stmt = nullptr;
  bool in_use = false;
};

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt, CachedStatement* slot = nullptr)
      : db_(db), stmt_(stmt), slot_(slot) {}
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_), slot_(o.slot_) {
    o.stmt_ = nullptr;
    o.slot_ = nullptr;
  }
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds by 1-based index. Strings are copied (SQLITE_TRANSIENT).
  void bind(int index, std::string_view text);
  // Binds without copying (SQLITE_STATIC): `text` must stay valid until the statement is
  // stepped to completion or reset. For the hot write path.
  void bind_ref(int index, std::string_view text);
  void bind(int index, std::int64_t value);
  void bind(int index, double value);
  void bind(int index, std::optional<double> value);
  void bind_null(int index);

  // Advances: true while a row is available, false when done; fails on error.
  Result<bool> step();
  // Steps to completion (for statements without rows) and resets.
  Status run();
  void reset();

  sqlite3_stmt* handle() const { return stmt_; }
  // Gives up ownership without finalizing (the cache took it).
  void forget() { stmt_ = nullptr; }

  std::int64_t int64(int column) const;
  double real(int column) const;
  bool is_null(int column) const;
  std::string text(int column) const;
  // The column's text without a copy: valid until the next step(), reset() or column read
  // of another type on the same column.
  std::string_view text_view(int column) const;

 private:
  void release();

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  CachedStatement* slot_ = nullptr;  // set: return to the cache instead of finalizing
};

// Steps `stmt` through every row, calling `row()` for each (it reads the row through
// `stmt`); fails on the first SQLite error, or on the first failure of a `row()` that
// returns a Status.
template <typename F>
Status for_each_row(Statement& stmt, F&& row) {
  for (;;) {
    auto has = stmt.step();
    TALLY_TRY(has);
    if (!*has) {
      return ok();
    }
    if constexpr (std::is_same_v<std::invoke_result_t<F&>, Status>) {
      TALLY_TRY(row());
    } else {
      row();
    }
  }
}

class Database {
 public:
  // Opens (creating if needed) the database at `path` (":memory:" for tests) with WAL,
  // a busy timeout for concurrent tally processes, and NORMAL sync (safe against crashes
  // of the process; WAL keeps the file consistent). A new file starts in rollback-journal
  // mode instead, for its first load, until end_bulk_load(): marked and with synchronous=OFF
  // (store/sqlite/first_load.h), or with FULL sync where it cannot be marked. Fails when
  // the file's first load was cut short by a restart of the machine. The file and its
  // -journal, -wal, -shm and -firstload are the owner's alone (0600 when created, group and
  // other bits taken off an existing one), whatever the umask. With `map_reads`, pages are
  // read through a memory map of up to 1 GiB of the file (PRAGMA mmap_size): no copy per
  // page read, which was a third of a status line's time on a 40 MB ledger. An I/O error
  // on a mapped page is a SIGBUS, not an error code: the process then says so and exits
  // (install_read_fault_handler), as a killed run would.
  //
  // A ledger this process cannot write (the file, or the directory its journal and WAL go
  // in) is opened read-only instead: read_only() is true, every write fails, and nothing
  // beside it is created. If SQLite cannot share the WAL's index there either, it is read
  // as immutable, which is exact as long as no -wal file holds unmerged writes (then the
  // open fails and says so).
  static Result<Database> open(const std::string& path, bool map_reads = false);
  bool read_only() const { return read_only_; }

  Database(Database&& o) noexcept
      : db_(o.db_),
        cache_(std::move(o.cache_)),
        wal_pending_(o.wal_pending_),
        read_only_(o.read_only_),
        other_loader_(o.other_loader_),
        mark_(std::move(o.mark_)) {
    o.db_ = nullptr;
  }
  Database& operator=(Database&&) = delete;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  Status exec(const std::string& sql);
  Result<Statement> prepare(std::string_view sql);
  // Like prepare(), but the statement is compiled once per connection and reused: the
  // returned Statement resets it when destroyed. Falls back to a fresh statement when the
  // cached one is still in use.
  Result<Statement> prepare_cached(std::string_view sql);
  // The first column of the first row of `sql` (a cached statement) as an integer; 0 when
  // it returns no row. For counts, EXISTS and integer pragmas.
  Result<std::int64_t> query_int(std::string_view sql);
  std::string last_error() const;
  sqlite3* handle() const { return db_; }

  // Ends the first load of a new ledger: makes it durable and removes its mark (when this
  // process holds one), then switches it to WAL, so that later readers never wait for a
  // writer. Also retries a switch that another process's write blocked at open. Does
  // nothing on a WAL ledger, nor while another process's first load runs. Never fails: a
  // ledger left in rollback mode (or marked) is as correct, and the next call or open tries
  // again. Not inside a transaction.
  void end_bulk_load();

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  // Puts the file in WAL mode; true when it is in WAL mode afterwards, false when another
  // process's lock kept it as it was.
  Result<bool> use_wal();

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<CachedStatement>> cache_;
  // Commits a write with synchronous=EXTRA (the journal, the file and the directory synced,
  // with every unsynced write before it) and removes mark_.
  Status settle_first_load();

  static Result<Database> open_read_only(const std::string& path, bool map_reads);
  // The pragmas of every connection: cache, temp store, the map.
  Status read_settings(const std::string& path, bool map_reads);

  bool wal_pending_ = false;   // not in WAL mode yet: a new ledger's first load, or blocked
  bool read_only_ = false;     // opened read-only: this process may not write the ledger
  bool other_loader_ = false;  // another process's first load is running: never switch
  FirstLoadMark mark_;         // held while this process's first load runs
};

// Runs a transaction: BEGIN IMMEDIATE (takes the write lock up front, so two writers queue
// on the busy timeout instead of failing with "database is locked" mid-transaction);
// commit() or the destructor's rollback.
class Transaction {
 public:
  static Result<Transaction> begin(Database& db);
  Transaction(Transaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_ = nullptr;
};

}  // namespace tally::store
