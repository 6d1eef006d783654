#include "store/sqlite/sqlite_db.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "test_ledger_support.h"

// Database::open's settings: the page size of a new ledger, its first load in rollback-journal
// mode, and the WAL checkpoint threshold that follows the page size of whichever ledger it
// opens.

namespace tally::store {
namespace {

std::int64_t pragma(Database& db, const std::string& name) {
  auto stmt = db.prepare_cached("PRAGMA " + name);
  EXPECT_TRUE(stmt) << stmt.error().message;
  if (!stmt) {
    return -1;
  }
  auto has = stmt->step();
  EXPECT_TRUE(has && *has);
  const std::int64_t value = has && *has ? stmt->int64(0) : -1;
  stmt->reset();
  return value;
}

std::string journal_mode(Database& db) {
  auto mode = db.prepare_cached("PRAGMA journal_mode");
  EXPECT_TRUE(mode);
  if (!mode) {
    return "";
  }
  auto has = mode->step();
  EXPECT_TRUE(has && *has);
  return has && *has ? mode->text(0) : "";
}

// Sets TALLY_BOOT_ID (the machine's boot id as first_load.h sees it) for its lifetime: ""
// means no boot id, so no first load is marked.
class BootId {
 public:
  explicit BootId(const char* id) {
    if (const char* old = std::getenv("TALLY_BOOT_ID"); old != nullptr) {
      saved_ = old;
    }
    ::setenv("TALLY_BOOT_ID", id, 1);
  }
  ~BootId() {
    if (saved_) {
      ::setenv("TALLY_BOOT_ID", saved_->c_str(), 1);
    } else {
      ::unsetenv("TALLY_BOOT_ID");
    }
  }
  BootId(const BootId&) = delete;
  BootId& operator=(const BootId&) = delete;

 private:
  std::optional<std::string> saved_;
};

// The permission bits of `path`, or -1 when it does not exist.
int mode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

TEST(SqliteDbTest, NewLedgerHasSixteenKilobytePagesAndCheckpointsEverySixteenMegabytes) {
  test::TempDir dir;
  auto db = Database::open(dir.path() + "/new.db");
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_TRUE(db->exec("CREATE TABLE t (x)"));
  EXPECT_EQ(pragma(*db, "page_size"), 16384);
  EXPECT_EQ(pragma(*db, "wal_autocheckpoint"), (16 << 20) / 16384);
}

TEST(SqliteDbTest, NewLedgerIsLoadedWithARollbackJournalThenSwitchedToWal) {
  test::TempDir dir;
  const std::string path = dir.path() + "/new.db";
  const std::string mark = FirstLoadMark::path_for(path);
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE(db->exec("CREATE TABLE t (x)"));
    ASSERT_TRUE(db->exec("INSERT INTO t VALUES (1)"));
    EXPECT_EQ(journal_mode(*db), "delete");
    // Marked, and committed without syncs until the load ends (first_load.h).
    EXPECT_TRUE(exists(mark));
    EXPECT_EQ(mode_of(mark), 0600);
    EXPECT_EQ(pragma(*db, "synchronous"), 0);  // OFF
    db->end_bulk_load();
    EXPECT_FALSE(exists(mark));
    EXPECT_EQ(journal_mode(*db), "wal");
    EXPECT_EQ(pragma(*db, "synchronous"), 1);  // NORMAL
    db->end_bulk_load();                       // once is enough; again does nothing
    EXPECT_EQ(journal_mode(*db), "wal");
  }
  // Without a boot id nothing is marked, and the first load syncs every commit.
  {
    const BootId none("");
    auto db = Database::open(dir.path() + "/unmarked.db");
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE(db->exec("CREATE TABLE t (x)"));
    EXPECT_FALSE(exists(FirstLoadMark::path_for(dir.path() + "/unmarked.db")));
    EXPECT_EQ(pragma(*db, "synchronous"), 2);  // FULL: a rollback journal needs it
    db->end_bulk_load();
    EXPECT_EQ(journal_mode(*db), "wal");
  }
  // A load that never ended (a killed first run): the next open finishes it.
  const std::string other = dir.path() + "/killed.db";
  {
    auto db = Database::open(other);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("CREATE TABLE t (x)"));
  }
  EXPECT_TRUE(exists(FirstLoadMark::path_for(other)));
  auto db = Database::open(other);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(journal_mode(*db), "wal");
  EXPECT_FALSE(exists(FirstLoadMark::path_for(other)));
  // And an existing WAL ledger stays one.
  auto again = Database::open(path);
  ASSERT_TRUE(again);
  EXPECT_EQ(journal_mode(*again), "wal");
}

// A process killed in the middle of its first load (SIGKILL: no destructor, no end): the
// kernel still has what it wrote without syncs, the next open rolls its open transaction
// back, keeps its commits, makes them durable and removes the mark.
TEST(SqliteDbTest, AFirstLoadKilledMidwayIsFinishedByTheNextOpen) {
  test::TempDir dir;
  const std::string path = dir.path() + "/killed.db";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto db = Database::open(path);
    bool ok = db && db->exec("CREATE TABLE t (x)") && db->exec("INSERT INTO t VALUES (5)") &&
              db->exec("BEGIN IMMEDIATE") && db->exec("INSERT INTO t VALUES (1000)");
    if (ok) {
      ::kill(::getpid(), SIGKILL);  // mid-transaction
    }
    ::_exit(1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the child failed early";
  EXPECT_TRUE(exists(FirstLoadMark::path_for(path)));
  auto db = Database::open(path);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_FALSE(exists(FirstLoadMark::path_for(path)));
  EXPECT_EQ(journal_mode(*db), "wal");
  auto sum = db->query_int("SELECT SUM(x) FROM t");
  ASSERT_TRUE(sum);
  EXPECT_EQ(*sum, 5);
}

// A restart of the machine during the first load (another boot id in the mark): writes the
// disk never got may have torn the file, so it is refused, loudly, with what to do, and
// `tally rebuild`'s swap takes the mark along with the old file.
TEST(SqliteDbTest, AFirstLoadARestartCutShortIsRefusedWithWhatToDo) {
  test::TempDir dir;
  const std::string path = dir.path() + "/ledger.db";
  {
    const BootId before("boot-before-the-crash");
    auto db = Database::open(path);
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE(db->exec("CREATE TABLE t (x)"));
  }
  const BootId after("boot-after-the-crash");
  auto db = Database::open(path);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, Errc::storage);
  EXPECT_NE(db.error().message.find("cut short by a restart"), std::string::npos)
      << db.error().message;
  EXPECT_NE(db.error().message.find("tally rebuild"), std::string::npos);
  EXPECT_NE(db.error().message.find("boot-before-the-crash"), std::string::npos);
  EXPECT_TRUE(exists(FirstLoadMark::path_for(path)));  // refused, not touched
}

// While one process loads a new ledger (its mark held), another opens it in rollback mode
// with FULL sync and never switches it to WAL: the loader commits without syncs, which WAL
// mode must not inherit. The loader's own end switches it and removes the mark.
TEST(SqliteDbTest, AnotherProcessNeverSwitchesALedgerWhoseFirstLoadRuns) {
  test::TempDir dir;
  const std::string path = dir.path() + "/shared.db";
  auto loader = Database::open(path);
  ASSERT_TRUE(loader) << loader.error().message;
  ASSERT_TRUE(loader->exec("CREATE TABLE t (x)"));
  auto other = Database::open(path);  // another open file description: flock(2) says busy
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_EQ(pragma(*other, "synchronous"), 2);
  ASSERT_TRUE(other->exec("INSERT INTO t VALUES (2)"));
  other->end_bulk_load();
  EXPECT_EQ(journal_mode(*other), "delete");
  EXPECT_TRUE(exists(FirstLoadMark::path_for(path)));
  ASSERT_TRUE(loader->exec("INSERT INTO t VALUES (1)"));
  loader->end_bulk_load();
  EXPECT_EQ(journal_mode(*loader), "wal");
  EXPECT_FALSE(exists(FirstLoadMark::path_for(path)));
  auto sum = other->query_int("SELECT SUM(x) FROM t");
  ASSERT_TRUE(sum);
  EXPECT_EQ(*sum, 3);
}

TEST(SqliteDbTest, OpeningALedgerWhileAnotherProcessLoadsItWaitsInsteadOfFailing) {
  test::TempDir dir;
  const std::string path = dir.path() + "/shared.db";
  auto loader = Database::open(path);
  ASSERT_TRUE(loader) << loader.error().message;
  ASSERT_TRUE(loader->exec("CREATE TABLE t (x)"));
  auto tx = Transaction::begin(*loader);
  ASSERT_TRUE(tx);
  ASSERT_TRUE(loader->exec("INSERT INTO t VALUES (1)"));

  // The second connection cannot switch the file to WAL while the load holds it: it opens
  // in rollback mode, and its write waits for the load's commit.
  auto second = Database::open(path);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(journal_mode(*second), "delete");
  std::thread committer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_TRUE(tx->commit());
  });
  {
    auto write = Transaction::begin(*second);
    ASSERT_TRUE(write) << write.error().message;
    EXPECT_TRUE(second->exec("INSERT INTO t VALUES (2)"));
    EXPECT_TRUE(write->commit());
  }
  committer.join();
  loader->end_bulk_load();
  EXPECT_EQ(journal_mode(*loader), "wal");
  auto sum = second->query_int("SELECT SUM(x) FROM t");
  ASSERT_TRUE(sum);
  EXPECT_EQ(*sum, 3);
  EXPECT_EQ(journal_mode(*second), "wal");  // seen by the other connection too
}

TEST(SqliteDbTest, ASwitchToWalThatAnotherWriterBlockedIsTriedAgain) {
  const BootId none("");  // an unmarked first load (first_load.h): any process may switch it
  test::TempDir dir;
  const std::string path = dir.path() + "/shared.db";
  auto loader = Database::open(path);
  ASSERT_TRUE(loader) << loader.error().message;
  ASSERT_TRUE(loader->exec("CREATE TABLE t (x)"));
  // Opened while the load writes: it cannot switch the file, and it must not fail either.
  std::optional<Database> other;
  {
    auto write = Transaction::begin(*loader);
    ASSERT_TRUE(write);
    ASSERT_TRUE(loader->exec("INSERT INTO t VALUES (1)"));
    auto opened = Database::open(path);
    ASSERT_TRUE(opened) << opened.error().message;
    other.emplace(std::move(*opened));
    EXPECT_EQ(journal_mode(*other), "delete");
    EXPECT_EQ(pragma(*other, "synchronous"), 2);  // FULL while in rollback mode
    // Its own attempt while the load still writes changes nothing.
    other->end_bulk_load();
    EXPECT_EQ(journal_mode(*other), "delete");
    ASSERT_TRUE(write->commit());
  }
  other->end_bulk_load();  // the next attempt switches
  EXPECT_EQ(journal_mode(*other), "wal");
  EXPECT_EQ(pragma(*other, "synchronous"), 1);
  auto sum = other->query_int("SELECT SUM(x) FROM t");
  ASSERT_TRUE(sum);
  EXPECT_EQ(*sum, 1);
}

// A ledger read through a memory map (map_reads: the status line) that is cut short while
// it is read: the read of a page past the new end is a SIGBUS, which must become a message
// naming the file and exit status 74, not a crash.
TEST(SqliteDbTest, AMappedLedgerCutShortWhileReadExitsWithAMessageNotACrash) {
  test::TempDir dir;
  const std::string path = dir.path() + "/mapped.db";
  int err[2];
  ASSERT_EQ(::pipe(err), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::dup2(err[1], 2);
    auto db = Database::open(path, /*map_reads=*/true);
    bool ok = db && db->exec("CREATE TABLE t (x BLOB)") &&
              db->exec(
                  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                  "WHERE i < 200) INSERT INTO t SELECT randomblob(8000) FROM n");
    if (ok) {
      db->end_bulk_load();
      ok = db->exec("PRAGMA wal_checkpoint(TRUNCATE)") && db->exec("BEGIN") &&
           db->query_int("SELECT COUNT(*) FROM t").has_value() &&
           ::truncate(path.c_str(), 16384) == 0;
      if (ok) {
        (void)db->query_int("SELECT SUM(length(x)) FROM t");  // pages past the end
      }
    }
    ::_exit(ok ? 0 : 1);
  }
  ::close(err[1]);
  std::string said;
  char buf[512];
  for (ssize_t got; (got = ::read(err[0], buf, sizeof buf)) > 0;) {
    said.append(buf, static_cast<size_t>(got));
  }
  ::close(err[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status) << ": " << said;
  EXPECT_EQ(WEXITSTATUS(status), 74) << said;
  EXPECT_NE(said.find("reading the ledger " + path + " failed"), std::string::npos) << said;
  EXPECT_NE(said.find("tally doctor"), std::string::npos) << said;
}

TEST(SqliteDbTest, ExistingLedgerKeepsItsPageSizeAndItsThresholdFollows) {
  test::TempDir dir;
  const std::string path = dir.path() + "/old.db";
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw,
                           "PRAGMA page_size=4096; PRAGMA journal_mode=WAL; "
                           "CREATE TABLE t (x); INSERT INTO t VALUES (42);",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  auto db = Database::open(path);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(pragma(*db, "page_size"), 4096);
  EXPECT_EQ(pragma(*db, "wal_autocheckpoint"), (16 << 20) / 4096);
  EXPECT_EQ(pragma(*db, "user_version"), 0);
  auto stmt = db->prepare_cached("SELECT x FROM t");
  ASSERT_TRUE(stmt);
  auto has = stmt->step();
  ASSERT_TRUE(has && *has);
  EXPECT_EQ(stmt->int64(0), 42);
}

// Sets the process umask for its lifetime.
class Umask {
 public:
  explicit Umask(mode_t mask) : saved_(::umask(mask)) {}
  ~Umask() { ::umask(saved_); }
  Umask(const Umask&) = delete;
  Umask& operator=(const Umask&) = delete;

 private:
  mode_t saved_;
};

// The ledger holds project paths, session titles and files touched: 0600, and so are the
// rollback journal of its first load and the WAL and shared memory after it, whatever the
// umask (SQLite alone made it 0644 under umask 022 and 000).
TEST(SqliteDbTest, TheLedgerAndItsCompanionsAreTheOwnersAloneWhateverTheUmask) {
  test::TempDir dir;
  for (const mode_t mask : {mode_t{022}, mode_t{0}}) {
    const Umask umask_for_test(mask);
    const std::string path = fmt::format("{}/ledger-{:03o}.db", dir.path(), mask);
    auto db = Database::open(path);
    ASSERT_TRUE(db) << db.error().message;
    EXPECT_EQ(mode_of(path), 0600) << "umask " << mask;
    ASSERT_TRUE(db->exec("CREATE TABLE t (x)"));
    {
      auto write = Transaction::begin(*db);
      ASSERT_TRUE(write);
      ASSERT_TRUE(db->exec("INSERT INTO t VALUES (1)"));
      EXPECT_EQ(mode_of(path + "-journal"), 0600) << "umask " << mask;
      ASSERT_TRUE(write->commit());
    }
    db->end_bulk_load();
    ASSERT_EQ(journal_mode(*db), "wal");
    ASSERT_TRUE(db->exec("INSERT INTO t VALUES (2)"));
    EXPECT_EQ(mode_of(path + "-wal"), 0600) << "umask " << mask;
    EXPECT_EQ(mode_of(path + "-shm"), 0600) << "umask " << mask;
    EXPECT_EQ(mode_of(path), 0600) << "umask " << mask;
  }
}

// A ledger an earlier tally made 0644 (and companions a killed run left) are tightened when
// opened; the owner's own bits are kept, so a read-only ledger stays read-only.
TEST(SqliteDbTest, AnExistingLooseLedgerIsTightenedOnOpen) {
  test::TempDir dir;
  const std::string path = dir.path() + "/old.db";
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE(db->exec("CREATE TABLE t (x)"));
  }
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  { std::ofstream(path + "-wal", std::ios::binary); }
  ASSERT_EQ(::chmod((path + "-wal").c_str(), 0666), 0);
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db) << db.error().message;
    EXPECT_EQ(mode_of(path), 0600);
    EXPECT_EQ(mode_of(path + "-wal"), 0600);
  }
  ASSERT_EQ(::chmod(path.c_str(), 0444), 0);
  auto db = Database::open(path);
  EXPECT_EQ(mode_of(path), 0400);
}

}  // namespace
}  // namespace tally::store
