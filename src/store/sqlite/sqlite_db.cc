#include "store/sqlite/sqlite_db.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <thread>

namespace tally::store {

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    release();
    db_ = o.db_;
    stmt_ = o.stmt_;
    slot_ = o.slot_;
    o.stmt_ = nullptr;
    o.slot_ = nullptr;
  }
  return *this;
}

Statement::~Statement() { release(); }

void Statement::release() {
  if (slot_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    slot_->in_use = false;
    slot_ = nullptr;
  } else {
    sqlite3_finalize(stmt_);
  }
  stmt_ = nullptr;
}

void Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}
void Statement::bind_ref(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}
void Statement::bind(int index, std::int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
void Statement::bind(int index, double value) { sqlite3_bind_double(stmt_, index, value); }
void Statement::bind(int index, std::optional<double> value) {
  if (value) {
    sqlite3_bind_double(stmt_, index, *value);
  } else {
    sqlite3_bind_null(stmt_, index);
  }
}
void Statement::bind_null(int index) { sqlite3_bind_null(stmt_, index); }

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  return fail(Errc::storage, fmt::format("sqlite: {} (in: {})", sqlite3_errmsg(db_),
                                         sqlite3_sql(stmt_) == nullptr ? "" : sqlite3_sql(stmt_)));
}

Status Statement::run() {
  auto r = step();
  reset();
  if (!r) {
    return Unexpected{r.error()};
  }
  return ok();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }
bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
std::string Statement::text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string()
                      : std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
}

std::string_view Statement::text_view(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string_view()
                      : std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
}

namespace {

// Takes group and other bits off the open file `fd`, or, when it is empty (just created, or
// never written), makes it exactly 0600. Best effort: a file tally may not chmod (another
// user's) keeps its mode; opening it says what is wrong, if anything is.
void make_private(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return;
  }
  const mode_t mode = st.st_mode & 0777;
  const mode_t want = st.st_size == 0 ? 0600 : (mode & 0700);
  if (mode != want) {
    (void)::fchmod(fd, want);
  }
}

// The ledger holds project paths, session titles and the files agents touched: it is its
// owner's alone, whatever the umask. SQLite would create a new database 0644 less the umask
// (0644 under umask 022: readable by every user), and gives the -journal, -wal and -shm it
// creates the database file's permission bits; so the file is created 0600 here, before
// SQLite opens it, and its companions follow.
//
// An existing ledger with group or other bits (made by an earlier tally, under umask 022)
// is tightened on open, not left as it is: otherwise every existing user's history would
// stay readable by all, and nothing but tally is meant to read the file (a team shares usage
// through the team server, not file permissions). Companions that already exist (left by a
// killed run, or open in another process) were made with the loose mode and are tightened
// too. Only the owner's bits are kept, so a deliberately read-only ledger stays read-only.
void make_ledger_private(const std::string& path) {
  if (path.empty() || path == ":memory:") {
    return;
  }
  // O_RDONLY suffices to create the file and to chmod it, and opens a write-protected
  // ledger too (SQLite then opens it read-only, as before).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return;  // SQLite's open fails next, with its own message
  }
  make_private(fd);
  ::close(fd);
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    const int companion = ::open((path + suffix).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (companion >= 0) {
      make_private(companion);
      ::close(companion);
    }
  }
}

// A read of a mapped page that the file cannot back (an I/O error, the file cut short by
// another program) raises SIGBUS. Say which file, and exit: nothing is half-written by a
// read, and a write in flight is rolled back by the next open, as after a kill.
char g_fault_message[512];
size_t g_fault_length = 0;

extern "C" void on_read_fault(int) {
  (void)!::write(2, g_fault_message, g_fault_length);
  ::_exit(74);  // EX_IOERR
}

void install_read_fault_handler(const std::string& path) {
  const std::string text = fmt::format(
      "tally: error: reading the ledger {} failed (an I/O error, or the file was cut short "
      "while tally read it): `tally doctor` checks it\n",
      path);
  g_fault_length = std::min(text.size(), sizeof g_fault_message);
  std::memcpy(g_fault_message, text.data(), g_fault_length);
  struct sigaction action {};
  action.sa_handler = &on_read_fault;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGBUS, &action, nullptr);
}

// A ledger file that exists and that this process may not write, or whose directory it may
// not write (the journal, WAL and shared memory are made there).
bool cannot_write(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0 ||
      ::access(path.c_str(), F_OK) != 0) {
    return false;
  }
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  return ::access(path.c_str(), W_OK) != 0 || ::access(dir.c_str(), W_OK) != 0;
}

// `path` as an SQLite URI with `query` ("mode=ro").
std::string file_uri(const std::string& path, std::string_view query) {
  std::string uri = "file:";
  for (const char c : path) {
    if (c == '%' || c == '?' || c == '#' || static_cast<unsigned char>(c) < 0x20) {
      uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    } else {
      uri += c;
    }
  }
  return uri + "?" + std::string(query);
}

}  // namespace

Result<Database> Database::open_read_only(const std::string& path, bool map_reads) {
  auto mark = FirstLoadMark::inspect(path);
  TALLY_TRY(mark);
  if (mark->state() == FirstLoadMark::State::cut_by_restart) {
    return fail(Errc::storage, FirstLoadMark::restart_message(path, mark->boot_id()));
  }
  // A killed first load's mark is left for a process that can write (its writes are in the
  // kernel's cache, whole); one in progress is read as any writer's file is.
  const bool unmerged = ::access((path + "-wal").c_str(), F_OK) == 0;
  std::string why;
  for (const std::string_view query : {"mode=ro", "mode=ro&immutable=1"}) {
    if (query.find("immutable") != std::string_view::npos && unmerged) {
      break;  // would miss what the WAL holds
    }
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(file_uri(path, query).c_str(), &db,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
    Database out(db);  // closes `db` however this attempt ends
    if (rc != SQLITE_OK) {
      why = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
      continue;
    }
    sqlite3_busy_timeout(db, 60000);
    out.read_only_ = true;
    auto schema = out.query_int("SELECT COUNT(*) FROM sqlite_schema");
    if (!schema) {
      why = sqlite3_errmsg(db);
      continue;
    }
    TALLY_TRY(out.read_settings(path, map_reads));
    return out;
  }
  return fail(
      Errc::storage,
      fmt::format("cannot read the ledger {}, which this user may not write ({}){}", path, why,
                  unmerged ? ": its -wal file holds writes that only a process allowed "
                             "to write the directory can read; copy the ledger with "
                             "its -wal, or ask for write access to its directory"
                           : ""));
}

Status Database::read_settings(const std::string& path, bool map_reads) {
  TALLY_TRY(exec("PRAGMA temp_store=MEMORY"));
  if (map_reads) {
    install_read_fault_handler(path);
    TALLY_TRY(exec("PRAGMA mmap_size=1073741824"));
  }
  // Random-key upserts (record ids) touch pages all over the table; with the 2 MB default
  // cache a cold ingest spent most of its time re-reading pages. 16 MB ingests a 1 GB
  // history as fast as 32 MB did (0.99x CPU) and is most of what bounds peak RSS: a cold
  // ingest of 4 GB peaked at ~95 MB with it (and a 16 MB queue), ~110 MB with 32 MB.
  return exec("PRAGMA cache_size=-16384");
}

Result<Database> Database::open(const std::string& path, bool map_reads) {
  if (cannot_write(path)) {
    return open_read_only(path, map_reads);
  }
  make_ledger_private(path);
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return fail(Errc::storage, fmt::format("cannot open ledger {}: {}", path, msg));
  }
  Database out(db);
  // A concurrent writer holds the lock for one batch at most; wait rather than fail.
  sqlite3_busy_timeout(db, 60000);
  // A new ledger gets 16 KB pages (an existing one keeps its own: the pragma does nothing
  // once the file has pages). Its wide usage rows and their random-key id index split and
  // rewrite fewer pages, and the WAL gets a quarter of the frames: a cold ingest of 1 GB of
  // logs took 0.86x the time it took with 4 KB pages. Reads of a warm ledger did not change.
  TALLY_TRY(out.exec("PRAGMA page_size=16384"));
  auto pages = out.query_int("PRAGMA page_count");
  TALLY_TRY(pages);
  // A new ledger is loaded in rollback-journal mode and switched to WAL by end_bulk_load().
  // WAL writes every page twice (the log, then the checkpoint); a rollback journal writes
  // only the pages a transaction changes that existed before it, which for a new file is
  // almost none. A first ingest of 1 GB of logs took 0.94x the CPU and 0.90x the time. A
  // kill midway is as safe: the next open rolls the hot journal back. Other processes wait
  // on the busy timeout meanwhile, as writers do anyway; readers would only have seen a
  // partial first load. The loading process marks the file and commits without syncs
  // (first_load.h): 0.87x the time of a cold run where the disk is busy.
  if (*pages == 0) {
    out.wal_pending_ = true;
    out.mark_ = FirstLoadMark::begin(path);
    out.other_loader_ = out.mark_.state() == FirstLoadMark::State::other_loader;
    if (out.mark_.state() == FirstLoadMark::State::ours) {
      // Another process may have loaded the whole file between the page count and the
      // mark: then there is nothing to load, and the mark goes.
      auto again = out.query_int("PRAGMA page_count");
      TALLY_TRY(again);
      if (*again != 0) {
        TALLY_TRY(out.mark_.finish());
        auto wal = out.use_wal();
        TALLY_TRY(wal);
        out.wal_pending_ = !*wal;
      }
    }
  } else {
    auto mark = FirstLoadMark::inspect(path);
    TALLY_TRY(mark);
    switch (mark->state()) {
      case FirstLoadMark::State::cut_by_restart:
        return fail(Errc::storage, FirstLoadMark::restart_message(path, mark->boot_id()));
      case FirstLoadMark::State::other_loader:
        out.wal_pending_ = true;
        out.other_loader_ = true;
        break;
      case FirstLoadMark::State::ours:  // adopted from a killed loader: finish it now
        out.mark_ = std::move(*mark);
        out.wal_pending_ = true;
        TALLY_TRY(out.settle_first_load());
        [[fallthrough]];
      case FirstLoadMark::State::none: {
        auto wal = out.use_wal();
        TALLY_TRY(wal);
        out.wal_pending_ = !*wal;
        break;
      }
    }
  }
  // NORMAL is safe against power loss in WAL mode; a rollback journal needs FULL for that
  // (one more sync per commit, and a first load commits only a few times), except in the
  // marked first load.
  const bool marked = out.mark_.state() == FirstLoadMark::State::ours;
  TALLY_TRY(out.exec(marked             ? "PRAGMA synchronous=OFF"
                     : out.wal_pending_ ? "PRAGMA synchronous=FULL"
                                        : "PRAGMA synchronous=NORMAL"));
  TALLY_TRY(out.read_settings(path, map_reads));
  // Checkpoint every ~16 MB of WAL instead of 4 MB: a cold ingest wrote the same interior,
  // index and rollup pages back into the database several times over. The threshold is in
  // pages, whose size depends on when the ledger was made.
  auto page_size = out.query_int("PRAGMA page_size");
  TALLY_TRY(page_size);
  const std::int64_t page_bytes = std::max<std::int64_t>(512, *page_size);  // SQLite's least
  TALLY_TRY(out.exec(fmt::format("PRAGMA wal_autocheckpoint={}", (16LL << 20) / page_bytes)));
  return out;
}

Result<bool> Database::use_wal() {
  // Switching to WAL needs an exclusive lock, which SQLite may refuse with SQLITE_BUSY
  // without calling the busy handler. Busy means another process is writing the ledger:
  // one loading a new ledger switches it itself when done. Until then this connection works
  // in rollback mode, as safely (readers and writers wait for each other on the busy
  // timeout), and end_bulk_load() or a later open switches the file.
  auto stmt = prepare("PRAGMA journal_mode=WAL");
  TALLY_TRY(stmt);
  auto row = stmt->step();
  if (!row) {
    if (sqlite3_errcode(db_) == SQLITE_BUSY) {
      return false;
    }
    return Unexpected{row.error()};
  }
  // The mode in force afterwards: "wal", or "memory" for an in-memory database, which
  // has no other mode to switch to.
  const std::string mode = *row ? stmt->text(0) : "";
  return mode == "wal" || mode == "memory";
}

void Database::end_bulk_load() {
  if (!wal_pending_ || other_loader_ || read_only_) {
    return;
  }
  const bool marked = mark_.state() == FirstLoadMark::State::ours;
  // The switch to WAL is itself a commit in rollback mode: with EXTRA it syncs the journal,
  // the directory, the file (every page the unsynced commits before it wrote, too), and the
  // directory again after the journal is deleted. A marked load is then durable.
  if (marked && !exec("PRAGMA synchronous=EXTRA")) {
    return;
  }
  auto wal = use_wal();
  if (wal && *wal) {
    if (marked && !mark_.finish()) {
      return;  // durable, but still marked: the next open adopts the mark and removes it
    }
    if (exec("PRAGMA synchronous=NORMAL")) {
      wal_pending_ = false;
    }
    return;
  }
  // Another process's lock kept the file in rollback mode, correct and consistent; the next
  // call (or the next process to open it) tries the switch again. A marked load is made
  // durable by a write of its own (or, if that fails too, stays marked for the next open).
  if (marked) {
    (void)settle_first_load();
  }
}

Status Database::settle_first_load() {
  // One write committed with EXTRA: SQLite syncs the journal, the directory it was made in,
  // then the file (every page the unsynced commits before it wrote, too), and the directory
  // again after the journal is deleted. Then nothing in the file waits on the disk.
  TALLY_TRY(exec("PRAGMA synchronous=EXTRA"));
  auto version = query_int("PRAGMA user_version");
  TALLY_TRY(version);
  TALLY_TRY(exec(fmt::format("PRAGMA user_version = {}", *version)));
  TALLY_TRY(exec("PRAGMA synchronous=FULL"));
  return mark_.finish();
}

Database::~Database() {
  for (auto& [sql, slot] : cache_) {
    sqlite3_finalize(slot->stmt);
  }
  sqlite3_close(db_);
}

Result<std::int64_t> Database::query_int(std::string_view sql) {
  auto stmt = prepare_cached(sql);
  TALLY_TRY(stmt);
  auto has = stmt->step();
  TALLY_TRY(has);
  return *has ? stmt->int64(0) : 0;
}

Result<Statement> Database::prepare_cached(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    auto fresh = prepare(sql);
    TALLY_TRY(fresh);
    auto slot = std::make_unique<CachedStatement>();
    // Take the statement over from the temporary Statement.
    slot->stmt = fresh->handle();
    fresh->forget();
    it = cache_.emplace(std::string(sql), std::move(slot)).first;
  }
  CachedStatement* slot = it->second.get();
  if (slot->in_use) {
    return prepare(sql);
  }
  slot->in_use = true;
  return Statement(db_, slot->stmt, slot);
}

Status Database::exec(const std::string& sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return fail(Errc::storage, fmt::format("sqlite: {} (in: {})", msg, sql.substr(0, 80)));
  }
  return ok();
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return fail(Errc::storage,
                fmt::format("sqlite: {} (preparing: {})", sqlite3_errmsg(db_), sql.substr(0, 120)));
  }
  return Statement(db_, stmt);
}

std::string Database::last_error() const { return sqlite3_errmsg(db_); }

Result<Transaction> Transaction::begin(Database& db) {
  // BEGIN IMMEDIATE can still report BUSY when the WAL is being checkpointed by another
  // connection past the busy handler's reach; retry briefly before giving up.
  for (int attempt = 0;; ++attempt) {
    auto st = db.exec("BEGIN IMMEDIATE");
    if (st) {
      return Transaction(&db);
    }
    if (attempt >= 50 || sqlite3_errcode(db.handle()) != SQLITE_BUSY) {
      return Unexpected{st.error()};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Transaction::~Transaction() {
  if (db_ != nullptr) {
    (void)db_->exec("ROLLBACK");
  }
}

Status Transaction::commit() {
  Database* db = db_;
  db_ = nullptr;
  return db->exec("COMMIT");
}

}  // namespace tally::store
