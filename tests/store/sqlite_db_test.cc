#include "store/sqlite/sqlite_db.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdint>
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
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE(db->exec("CREATE TABLE t (x)"));
    ASSERT_TRUE(db->exec("INSERT INTO t VALUES (1)"));
    EXPECT_EQ(journal_mode(*db), "delete");
    EXPECT_EQ(pragma(*db, "synchronous"), 2);  // FULL: a rollback journal needs it
    db->end_bulk_load();
    EXPECT_EQ(journal_mode(*db), "wal");
    EXPECT_EQ(pragma(*db, "synchronous"), 1);  // NORMAL
    db->end_bulk_load();                       // once is enough; again does nothing
    EXPECT_EQ(journal_mode(*db), "wal");
  }
  // A load that never ended (a killed first run): the next open switches the file.
  const std::string other = dir.path() + "/killed.db";
  {
    auto db = Database::open(other);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("CREATE TABLE t (x)"));
  }
  auto db = Database::open(other);
  ASSERT_TRUE(db);
  EXPECT_EQ(journal_mode(*db), "wal");
  // And an existing WAL ledger stays one.
  auto again = Database::open(path);
  ASSERT_TRUE(again);
  EXPECT_EQ(journal_mode(*again), "wal");
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

// The permission bits of `path`, or -1 when it does not exist.
int mode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
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
