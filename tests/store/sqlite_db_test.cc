#include "store/sqlite_db.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "test_ledger_support.h"

// Database::open's settings: the page size of a new ledger, and the WAL checkpoint
// threshold that follows the page size of whichever ledger it opens.

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

TEST(SqliteDbTest, NewLedgerHasSixteenKilobytePagesAndCheckpointsEverySixteenMegabytes) {
  test::TempDir dir;
  auto db = Database::open(dir.path() + "/new.db");
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_TRUE(db->exec("CREATE TABLE t (x)"));
  EXPECT_EQ(pragma(*db, "page_size"), 16384);
  auto mode = db->prepare_cached("PRAGMA journal_mode");
  ASSERT_TRUE(mode);
  auto has = mode->step();
  ASSERT_TRUE(has && *has);
  EXPECT_EQ(mode->text(0), "wal");
  mode->reset();
  EXPECT_EQ(pragma(*db, "wal_autocheckpoint"), (16 << 20) / 16384);
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

}  // namespace
}  // namespace tally::store
