#include "store/sqlite/sqlite_backend.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "sqlite_ledger_fixture.h"
#include "store/sqlite/schema.h"
#include "test_ledger_support.h"

// The SQLite ledger against the contracts at the top of ledger.h.

namespace tally::store {
namespace {

using test::batch;
using test::cursor_at;
using test::FakePricer;
using test::query_double;
using test::query_int;
using test::query_text;
using test::record;
using test::snapshot;

using test::SqliteLedgerTest;

// --- Opening and migrations -----------------------------------------------------------------

TEST(SqliteLedgerOpenTest, InMemoryLedgerWorks) {
  auto ledger = open_sqlite_ledger(":memory:");
  ASSERT_TRUE(ledger) << ledger.error().message;
  FakePricer pricer;
  std::vector<WriteBatch> batches = {
      batch(cursor_at("/a.jsonl", 10), std::nullopt, {record("r1", 1000, 5, 1)})};
  auto committed = (*ledger)->commit(batches, pricer);
  ASSERT_TRUE(committed) << committed.error().message;
  auto n = (*ledger)->record_count();
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 1);
}

TEST_F(SqliteLedgerTest, MigrationsCreateTheSchemaAndReopeningIsIdempotent) {
  EXPECT_EQ(query_int(path_, "PRAGMA user_version"), static_cast<std::int64_t>(kMigrations.size()));
  for (const char* table :
       {"meta", "usage", "files", "snapshots", "session_facts", "problems", "dirty_sessions"}) {
    EXPECT_EQ(query_int(path_, fmt::format("SELECT COUNT(*) FROM sqlite_master WHERE type = "
                                           "'table' AND name = '{}'",
                                           table)),
              1)
        << table;
  }
  commit({batch(cursor_at("/a.jsonl", 10), std::nullopt, {record("r1", 1000, 5, 1)})});
  ledger_.reset();
  for (int i = 0; i < 2; ++i) {
    auto again = open_sqlite_ledger(path_);
    ASSERT_TRUE(again) << again.error().message;
    auto n = (*again)->record_count();
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_EQ(*n, 1);
  }
  EXPECT_EQ(query_int(path_, "PRAGMA user_version"), static_cast<std::int64_t>(kMigrations.size()));
  EXPECT_EQ(query_text(path_, "PRAGMA journal_mode"), "wal");
}

TEST(SqliteLedgerOpenTest, NewerSchemaVersionIsRefusedWithAClearError) {
  test::TempDir dir;
  const std::string path = dir.path() + "/future.db";
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE x (a); PRAGMA user_version = 99;", nullptr, nullptr,
                           nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  auto ledger = open_sqlite_ledger(path);
  ASSERT_FALSE(ledger);
  EXPECT_EQ(ledger.error().code, Errc::unsupported);
  EXPECT_NE(ledger.error().message.find("99"), std::string::npos) << ledger.error().message;
  EXPECT_NE(ledger.error().message.find("newer"), std::string::npos) << ledger.error().message;
  // Nothing was changed in the newer file.
  EXPECT_EQ(query_int(path, "PRAGMA user_version"), 99);
}

TEST(SqliteLedgerOpenTest, VersionOneLedgerIsUpgradedKeepingItsRecords) {
  test::TempDir dir;
  const std::string path = dir.path() + "/v1.db";
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const std::string v1 = std::string(kMigrations[0]) +
                           "PRAGMA user_version = 1;"
                           "INSERT INTO meta (key, value) VALUES ('price_fingerprint', 'fake-1');"
                           "INSERT INTO usage VALUES ('r1', 'claude', 'response', 1000, 's1', '', "
                           "'s1', '/work/app', 'opus', '', '', '', '', 5, 0, 0, 0, 1, 0, 6, 0, "
                           "NULL, 15.0, 'computed', 'opus', 0, '/a.jsonl', 0, 1, '', '', '');";
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db, v1.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_close(db);
  }
  auto ledger = open_sqlite_ledger(path);
  ASSERT_TRUE(ledger) << ledger.error().message;
  EXPECT_EQ(query_int(path, "PRAGMA user_version"), static_cast<std::int64_t>(kMigrations.size()));
  auto n = (*ledger)->record_count();
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 1);
  // Migration 2 drops the price fingerprint so that history is repriced (new columns).
  FakePricer pricer;
  auto repriced = (*ledger)->reprice_if_needed(pricer);
  ASSERT_TRUE(repriced) << repriced.error().message;
  EXPECT_EQ(*repriced, 1);
}

// Migration 10 counts the fast-mode requests a ledger already holds into its rollup, and its
// triggers go on counting the requests written after it.
TEST(SqliteLedgerOpenTest, VersionNineLedgerCountsItsFastRequestsOnUpgrade) {
  static_assert(kMigrations.size() >= 10);
  test::TempDir dir;
  const std::string path = dir.path() + "/v9.db";
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    std::string v9;
    for (size_t i = 0; i < 9; ++i) {
      v9 += kMigrations[i];
    }
    v9 += "PRAGMA user_version = 9;";
    // Three requests in one rollup row, two of them fast (one by speed, one by tier), and a
    // standard one in another bucket.
    for (const auto& [id, ts, speed, tier] :
         {std::tuple{"a", 1000, "fast", ""}, std::tuple{"b", 2000, "", "Priority"},
          std::tuple{"c", 3000, "", "flex"}, std::tuple{"d", 1000 + 900000, "", ""}}) {
      v9 += fmt::format(
          "INSERT INTO usage (id, agent, kind, ts, session_id, parent_session_id, root_session, "
          "project, model, effort, speed, service_tier, request_id, input_tokens, "
          "cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens, "
          "reasoning_tokens, total_tokens, web_search_requests, reported_cost_usd, cost_usd, "
          "cost_source, priced_as, sidechain, source_file, source_offset, source_line, "
          "user_name, machine, team) VALUES ('{}', 'claude', 'response', {}, 's1', '', 's1', "
          "'/work/app', 'opus', '', '{}', '{}', '', 5, 0, 0, 0, 1, 0, 6, 0, NULL, 1.0, "
          "'computed', 'opus', 0, '/a.jsonl', 0, 1, '', '', '');",
          id, ts, speed, tier);
    }
    // The rollup as a version-9 tally kept it (it adds inserted records itself).
    v9 +=
        "INSERT INTO usage_rollup (bucket, agent, model, project, cost_source, user_name, "
        "machine, team, requests, input_tokens, cache_read_tokens, cache_write_tokens, "
        "cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_usd, standard_cost_usd) "
        "SELECT (ts / 900000) * 900000, agent, model, project, cost_source, user_name, machine, "
        "team, COUNT(*), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), "
        "SUM(cache_write_1h_tokens), SUM(output_tokens), SUM(reasoning_tokens), SUM(cost_usd), "
        "SUM(standard_cost_usd) FROM usage GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;";
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db, v9.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_close(db);
  }
  ASSERT_EQ(query_int(path, "SELECT SUM(requests) FROM usage_rollup"), 4);
  auto ledger = open_sqlite_ledger(path);
  ASSERT_TRUE(ledger) << ledger.error().message;
  EXPECT_EQ(query_int(path, "PRAGMA user_version"), static_cast<std::int64_t>(kMigrations.size()));
  EXPECT_EQ(query_int(path, "SELECT fast_requests FROM usage_rollup WHERE bucket = 0"), 2);
  EXPECT_EQ(query_int(path, "SELECT fast_requests FROM usage_rollup WHERE bucket = 900000"), 0);
  // Written after the upgrade: the triggers count it.
  FakePricer pricer;
  UsageRecord fast = record("e", 4000, 1, 1);
  fast.speed = "fast";
  std::vector<WriteBatch> b = {batch(cursor_at("/b.jsonl", 10), std::nullopt, {fast})};
  ASSERT_TRUE((*ledger)->commit(b, pricer));
  auto rows = (*ledger)->aggregate({}, {});
  ASSERT_TRUE(rows) << rows.error().message;
  std::int64_t n = 0;
  for (const AggregateRow& r : *rows) {
    n += r.fast_requests;
  }
  EXPECT_EQ(n, 3);
}

// Several tally processes (a statusline, a report) starting at the same moment: on a new
// ledger (`existing` false) and on one that is already there.
void open_and_commit_concurrently(bool existing) {
  test::TempDir dir;
  const std::string path = dir.path() + "/fresh.db";
  if (existing) {
    ASSERT_TRUE(open_sqlite_ledger(path));
  }
  constexpr int kThreads = 4;
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto l = open_sqlite_ledger(path);
      if (!l) {
        errors[static_cast<size_t>(i)] = l.error().message;
        return;
      }
      FakePricer pricer;
      std::vector<WriteBatch> b = {batch(cursor_at(fmt::format("/{}.jsonl", i), 10), std::nullopt,
                                        {record(fmt::format("r{}", i), 1000, 1, 1)})};
      auto r = (*l)->commit(b, pricer);
      if (!r) {
        errors[static_cast<size_t>(i)] = r.error().message;
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  for (const std::string& e : errors) {
    EXPECT_EQ(e, "");
  }
  EXPECT_EQ(query_int(path, "SELECT COUNT(*) FROM usage"), kThreads);
  EXPECT_EQ(query_int(path, "PRAGMA user_version"), static_cast<std::int64_t>(kMigrations.size()));
}

TEST(SqliteLedgerOpenTest, ConcurrentFirstOpensAllSucceed) {
  for (int round = 0; round < 20; ++round) {
    open_and_commit_concurrently(false);
  }
}

TEST(SqliteLedgerOpenTest, ConcurrentOpensOfAnExistingLedgerAllSucceed) {
  for (int round = 0; round < 20; ++round) {
    open_and_commit_concurrently(true);
  }
}

TEST(SqliteLedgerOpenTest, UnwritableLocationFails) {
  auto ledger = open_sqlite_ledger("/nonexistent-dir-for-tally/x/ledger.db");
  ASSERT_FALSE(ledger);
  EXPECT_EQ(ledger.error().code, Errc::storage);
}

// --- Upsert rule (agent-logs.md §2 rule 1) ----------------------------------------------------

TEST_F(SqliteLedgerTest, LargerTotalWinsWhateverTheOrder) {
  // Streaming snapshots: partial, final, partial again.
  commit({batch(cursor_at("/a.jsonl", 10), std::nullopt, {record("r1", 1000, 5, 1)})});
  commit({batch(cursor_at("/a.jsonl", 20, 2), cursor_at("/a.jsonl", 10),
                {record("r1", 1000, 5, 57)})});
  commit({batch(cursor_at("/a.jsonl", 30, 3), cursor_at("/a.jsonl", 20, 2),
                {record("r1", 1000, 5, 12)})});
  const AggregateRow t = total();
  EXPECT_EQ(t.requests, 1);
  EXPECT_EQ(t.tokens.output, 57);
  EXPECT_DOUBLE_EQ(t.cost_usd, 5 + 570);  // priced as the kept copy
}

TEST_F(SqliteLedgerTest, CopiesInOneBatchKeepTheLargest) {
  commit({batch(cursor_at("/a.jsonl", 10), std::nullopt,
                {record("r1", 1000, 5, 1), record("r1", 1000, 5, 40), record("r1", 1000, 5, 30)})});
  EXPECT_EQ(total().tokens.output, 40);
  EXPECT_EQ(total().requests, 1);
}

TEST_F(SqliteLedgerTest, MainChainCopyWinsOverASidechainReplay) {
  UsageRecord replay = record("r1", 1000, 5, 90, "s1/agent-x");
  replay.parent_session_id = "s1";
  replay.sidechain = true;
  UsageRecord main_copy = record("r1", 1000, 5, 40, "s1");
  // Sidechain first, then a smaller main-chain copy: the main chain wins.
  commit({batch(cursor_at("/sub.jsonl", 10), std::nullopt, {replay})});
  commit({batch(cursor_at("/main.jsonl", 10), std::nullopt, {main_copy})});
  EXPECT_EQ(total().tokens.output, 40);
  EXPECT_EQ(count("id = 'r1' AND sidechain = 0 AND session_id = 's1'"), 1);
  // A later, larger sidechain copy does not displace it.
  replay.tokens.output = 500;
  commit({batch(cursor_at("/sub.jsonl", 20, 2), cursor_at("/sub.jsonl", 10), {replay})});
  EXPECT_EQ(total().tokens.output, 40);
  EXPECT_EQ(count("id = 'r1' AND sidechain = 0"), 1);
  EXPECT_EQ(total().requests, 1);
}

TEST_F(SqliteLedgerTest, EqualCopyDoesNotChangeTheRecord) {
  UsageRecord a = record("r1", 1000, 5, 40);
  a.source_line = 3;
  UsageRecord b = a;
  b.source_line = 4;
  b.source_file = "/other.jsonl";
  commit({batch(cursor_at("/a.jsonl", 10), std::nullopt, {a, b})});
  EXPECT_EQ(count("source_line = 3 AND source_file = '/logs/s1.jsonl'"), 1);
}

// Two copies of one response with equal totals but another split (a Codex sibling rollout's
// copy): which one the ledger keeps must not depend on which it met first, in separate
// commits (two runs, two processes) or in one batch (issue 15, item 7).
TEST_F(SqliteLedgerTest, EqualTotalsWithAnotherSplitKeepTheSameCopyWhateverTheOrder) {
  UsageRecord fresh = record("r1", 1000, 900, 40);
  UsageRecord cached = record("r1", 1000, 400, 40);
  cached.tokens.cache_read = 500;
  cached.source_file = "/logs/sibling.jsonl";
  ASSERT_EQ(fresh.tokens.total(), cached.tokens.total());
  ASSERT_NE(better_copy(fresh, cached), better_copy(cached, fresh));
  const UsageRecord& winner = better_copy(fresh, cached) ? fresh : cached;

  commit({batch(cursor_at("/a.jsonl", 10), std::nullopt, {fresh})});
  commit({batch(cursor_at("/b.jsonl", 10), std::nullopt, {cached})});
  const AggregateRow first = total();
  EXPECT_EQ(first.tokens.input, winner.tokens.input);
  EXPECT_EQ(first.tokens.cache_read, winner.tokens.cache_read);

  // The same two files, read the other way round, into a ledger of their own.
  test::TempDir other_dir;
  auto other = open_sqlite_ledger(other_dir.path() + "/ledger.db");
  ASSERT_TRUE(other) << other.error().message;
  std::vector<WriteBatch> b_first = {batch(cursor_at("/b.jsonl", 10), std::nullopt, {cached})};
  std::vector<WriteBatch> a_then = {batch(cursor_at("/a.jsonl", 10), std::nullopt, {fresh})};
  ASSERT_TRUE((*other)->commit(b_first, pricer_));
  ASSERT_TRUE((*other)->commit(a_then, pricer_));
  auto other_rows = (*other)->aggregate({}, {});
  ASSERT_TRUE(other_rows);
  AggregateRow second;
  for (const AggregateRow& r : *other_rows) {
    second.tokens += r.tokens;
    second.cost_usd += r.cost_usd;
  }
  EXPECT_EQ(second.tokens, first.tokens);
  EXPECT_DOUBLE_EQ(second.cost_usd, first.cost_usd);

  // In one batch, either order.
  test::TempDir batch_dir;
  auto one = open_sqlite_ledger(batch_dir.path() + "/ledger.db");
  ASSERT_TRUE(one) << one.error().message;
  std::vector<WriteBatch> both = {batch(cursor_at("/c.jsonl", 10), std::nullopt, {cached, fresh})};
  ASSERT_TRUE((*one)->commit(both, pricer_));
  auto one_rows = (*one)->aggregate({}, {});
  ASSERT_TRUE(one_rows);
  ASSERT_EQ(one_rows->size(), 1u);
  EXPECT_EQ(one_rows->front().tokens, first.tokens);
}

// --- Cursors and commit atomicity ---------------------------------------------------------------

TEST_F(SqliteLedgerTest, CursorRoundTrips) {
  FileCursor c = cursor_at("/a.jsonl", 1234, 17, 99);
  c.device = 0xFFFFFFFFFFFFULL;
  c.head_hash = 0xFEDCBA9876543210ULL;  // above INT64_MAX: stored as a signed bit pattern
  c.parser_state = "v=1\nkey=va\\=lue\n";
  commit({batch(c, std::nullopt)});
  auto got = ledger_->cursor("/a.jsonl");
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_TRUE(got->has_value());
  const FileCursor& g = **got;
  EXPECT_EQ(g.path, c.path);
  EXPECT_EQ(g.agent, c.agent);
  EXPECT_EQ(g.device, c.device);
  EXPECT_EQ(g.inode, c.inode);
  EXPECT_EQ(g.size, c.size);
  EXPECT_EQ(g.mtime_ns, c.mtime_ns);
  EXPECT_EQ(g.offset, c.offset);
  EXPECT_EQ(g.lines, c.lines);
  EXPECT_EQ(g.head_hash, c.head_hash);
  EXPECT_EQ(g.head_len, c.head_len);
  EXPECT_EQ(g.parser_state, c.parser_state);
  auto none = ledger_->cursor("/never.jsonl");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(none->has_value());
}

TEST_F(SqliteLedgerTest, BatchWhoseBaseNoLongerMatchesIsDroppedAsStale) {
  const FileCursor c10 = cursor_at("/a.jsonl", 10, 1);
  const FileCursor c20 = cursor_at("/a.jsonl", 20, 2);
  commit({batch(c10, std::nullopt, {record("r1", 1000, 5, 1)})});
  // Two processes both read from c10; the first to commit wins.
  const CommitStats first = commit({batch(c20, c10, {record("r2", 2000, 7, 1)})});
  EXPECT_EQ(first.stale_batches, 0);
  EXPECT_EQ(first.files, 1);
  EXPECT_EQ(first.records, 1);
  UsageRecord other = record("r3", 2000, 100, 1);  // what the slower process made of it
  const CommitStats second =
      commit({batch(c20, c10, {other}, {snapshot("s1", 2000, 999, 999, 5)})});
  EXPECT_EQ(second.stale_batches, 1);
  EXPECT_EQ(second.files, 0);
  EXPECT_EQ(second.records, 0);
  EXPECT_EQ(total().requests, 2);
  EXPECT_EQ(count("id = 'r3'"), 0);
  EXPECT_EQ(query_int(path_, "SELECT COUNT(*) FROM snapshots"), 0);
}

TEST_F(SqliteLedgerTest, StaleBatchIsDroppedButTheOthersInTheCommitApply) {
  const FileCursor a10 = cursor_at("/a.jsonl", 10, 1);
  commit({batch(a10, std::nullopt, {record("a1", 1000, 1, 1)})});
  commit({batch(cursor_at("/a.jsonl", 20, 2), a10, {record("a2", 1000, 1, 1)})});
  const CommitStats stats =
      commit({batch(cursor_at("/a.jsonl", 30, 3), a10, {record("a3", 1000, 1, 1)}),
              batch(cursor_at("/b.jsonl", 10), std::nullopt, {record("b1", 1000, 1, 1)})});
  EXPECT_EQ(stats.stale_batches, 1);
  EXPECT_EQ(stats.files, 1);
  EXPECT_EQ(count("id IN ('a1', 'a2', 'b1')"), 3);
  EXPECT_EQ(count("id = 'a3'"), 0);
  auto c = ledger_->cursor("/a.jsonl");
  ASSERT_TRUE(c && c->has_value());
  EXPECT_EQ((*c)->offset, 20);
}

TEST_F(SqliteLedgerTest, BaseWithADifferentInodeOrHeadIsStale) {
  const FileCursor c10 = cursor_at("/a.jsonl", 10, 1, 7);
  commit({batch(c10, std::nullopt)});
  FileCursor other_inode = c10;
  other_inode.inode = 8;
  FileCursor other_head = c10;
  other_head.head_hash = 43;
  const CommitStats stats = commit({batch(cursor_at("/a.jsonl", 20, 2), other_inode),
                                    batch(cursor_at("/a.jsonl", 20, 2), other_head)});
  EXPECT_EQ(stats.stale_batches, 2);
}

TEST_F(SqliteLedgerTest, FailedCommitLeavesNothingBehind) {
  // The second batch fails (a NaN cost is stored as NULL in a NOT NULL column): the first
  // batch, its cursor and the dirty marks must not land either.
  commit({batch(cursor_at("/c.jsonl", 10), std::nullopt, {record("c1", 1000, 1, 1)})});
  std::vector<WriteBatch> batches = {
      batch(cursor_at("/a.jsonl", 10), std::nullopt, {record("a1", 1000, 5, 1)},
            {snapshot("s1", 1000, 50, 50, 3)}),
      batch(cursor_at("/b.jsonl", 10), std::nullopt, {record("b1", 1000, 5, 1, "s2", "poison")})};
  auto r = ledger_->commit(batches, pricer_);
  ASSERT_FALSE(r) << "a NaN cost should have failed the commit";
  EXPECT_EQ(r.error().code, Errc::storage);
  auto n = ledger_->record_count();
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 1);
  auto c = ledger_->cursor("/a.jsonl");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->has_value());
  EXPECT_EQ(query_int(path_, "SELECT COUNT(*) FROM snapshots"), 0);
  // The ledger is still usable afterwards.
  commit({batch(cursor_at("/a.jsonl", 10), std::nullopt, {record("a1", 1000, 5, 1)})});
  EXPECT_EQ(total().requests, 2);
}

// A write applies batches call by call; other connections see none of them until its
// commit, then all of them (records, cursors, dirty sessions) at once.
TEST_F(SqliteLedgerTest, WriteLandsItsBatchesTogetherAtCommit) {
  auto write = ledger_->begin_write(pricer_);
  ASSERT_TRUE(write) << write.error().message;
  std::vector<WriteBatch> first = {batch(cursor_at("/a.jsonl", 10), std::nullopt,
                                        {record("a1", 1000, 5, 1)},
                                        {snapshot("s1", 1000, 50, 50, 3)})};
  std::vector<WriteBatch> second = {
      batch(cursor_at("/b.jsonl", 20), std::nullopt,
            {record("b1", 2000, 7, 1, "s2"), record("b2", 3000, 9, 1, "s2")})};
  auto applied = (*write)->apply(first);
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(applied->records, 1);
  applied = (*write)->apply(second);
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(applied->records, 2);
  // Another connection (query_int opens its own) sees nothing yet.
  EXPECT_EQ(query_int(path_, "SELECT COUNT(*) FROM usage"), 0);
  EXPECT_EQ(query_int(path_, "SELECT COUNT(*) FROM files"), 0);
  ASSERT_TRUE((*write)->commit());
  write->reset();
  EXPECT_EQ(query_int(path_, "SELECT COUNT(*) FROM usage"), 3);
  EXPECT_EQ(query_int(path_, "SELECT COUNT(*) FROM files"), 2);
  EXPECT_EQ(query_int(path_, "SELECT COUNT(*) FROM dirty_sessions"), 2);
  EXPECT_EQ(total().tokens.input, 5 + 7 + 9);
}

// A write dropped without commit leaves the ledger as it was, and usable.
TEST_F(SqliteLedgerTest, WriteDroppedWithoutCommitLeavesNothing) {
  commit({batch(cursor_at("/c.jsonl", 10), std::nullopt, {record("c1", 1000, 1, 1)})});
  {
    auto write = ledger_->begin_write(pricer_);
    ASSERT_TRUE(write) << write.error().message;
    std::vector<WriteBatch> batches = {
        batch(cursor_at("/a.jsonl", 10), std::nullopt, {record("a1", 1000, 5, 1)})};
    ASSERT_TRUE((*write)->apply(batches));
  }
  EXPECT_EQ(query_int(path_, "SELECT COUNT(*) FROM usage"), 1);
  auto c = ledger_->cursor("/a.jsonl");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->has_value());
  commit({batch(cursor_at("/a.jsonl", 10), std::nullopt, {record("a1", 1000, 5, 1)})});
  EXPECT_EQ(total().requests, 2);
}

// Snapshots survive a restart: a truncated log must not shrink spend a cumulative total
// already proved (see IngestTest.TruncatedFileKeepsWhatWasAlreadyCounted).
TEST_F(SqliteLedgerTest, RestartBatchClearsProblemsAndFactsOfThePathButKeepsRecordsAndSnapshots) {
  WriteBatch first = batch(cursor_at("/a.jsonl", 100, 5), std::nullopt,
                          {record("r1", 1000, 5, 1), record("r2", 2000, 5, 1)},
                          {snapshot("s1", 2000, 10, 2, 90, "opus", std::nullopt, "/a.jsonl")});
  first.problems.push_back(ParseProblem{"/a.jsonl", 3, 50, "malformed JSON"});
  SessionFacts facts;
  facts.agent = Agent::claude;
  facts.session_id = "s1";
  facts.file_key = "a.jsonl";
  facts.user_prompts = 3;
  first.sessions.push_back(facts);
  // Another path's rows must survive.
  WriteBatch other = batch(cursor_at("/b.jsonl", 10), std::nullopt, {record("b1", 1000, 5, 1, "s9")},
                          {snapshot("s9", 1000, 5, 1, 5, "opus", std::nullopt, "/b.jsonl")});
  other.problems.push_back(ParseProblem{"/b.jsonl", 1, 0, "malformed JSON"});
  commit({first, other});
  auto problems = ledger_->problems(10);
  ASSERT_TRUE(problems) << problems.error().message;
  EXPECT_EQ(problems->total, 2);

  // The file was rewritten: read from the start (no base); it now says less.
  WriteBatch restart =
      batch(cursor_at("/a.jsonl", 40, 2, 8), std::nullopt, {record("r1", 1000, 5, 1)});
  SessionFacts fewer = facts;
  fewer.user_prompts = 1;
  restart.sessions.push_back(fewer);
  commit({restart});

  problems = ledger_->problems(10);
  ASSERT_TRUE(problems) << problems.error().message;
  EXPECT_EQ(problems->total, 1);
  ASSERT_EQ(problems->first.size(), 1u);
  EXPECT_EQ(problems->first[0].file, "/b.jsonl");
  EXPECT_EQ(query_int(path_, "SELECT COUNT(*) FROM snapshots WHERE source_file = '/a.jsonl'"), 1);
  EXPECT_EQ(query_int(path_, "SELECT COUNT(*) FROM snapshots WHERE source_file = '/b.jsonl'"), 1);
  auto sessions = ledger_->sessions("s1");
  ASSERT_TRUE(sessions) << sessions.error().message;
  ASSERT_EQ(sessions->size(), 1u);
  EXPECT_EQ((*sessions)[0].user_prompts, 1);
  // Records are never deleted because a log shrank.
  EXPECT_EQ(count("id IN ('r1', 'r2', 'b1')"), 3);
  auto c = ledger_->cursor("/a.jsonl");
  ASSERT_TRUE(c && c->has_value());
  EXPECT_EQ((*c)->offset, 40);
  EXPECT_EQ((*c)->inode, 8u);
}

TEST_F(SqliteLedgerTest, AppendBatchKeepsEarlierProblemsAndSnapshots) {
  WriteBatch first = batch(cursor_at("/a.jsonl", 100, 5), std::nullopt, {record("r1", 1000, 5, 1)},
                          {snapshot("s1", 1000, 5, 1, 90, "opus", std::nullopt, "/a.jsonl")});
  first.problems.push_back(ParseProblem{"/a.jsonl", 3, 50, "malformed JSON"});
  commit({first});
  WriteBatch next = batch(cursor_at("/a.jsonl", 200, 9), cursor_at("/a.jsonl", 100, 5),
                         {record("r2", 2000, 5, 1)},
                         {snapshot("s1", 2000, 10, 2, 190, "opus", std::nullopt, "/a.jsonl")});
  next.problems.push_back(ParseProblem{"/a.jsonl", 7, 150, "malformed JSON"});
  commit({next});
  auto problems = ledger_->problems(10);
  ASSERT_TRUE(problems) << problems.error().message;
  EXPECT_EQ(problems->total, 2);
  EXPECT_EQ(query_int(path_, "SELECT COUNT(*) FROM snapshots"), 2);
}

// --- Reconciliation ---------------------------------------------------------------------------

TEST_F(SqliteLedgerTest, ReconcileCreatesUnloggedRecordsAndClearsDirtySessions) {
  // s3's shape: lines of 214 output, cost-state of 326 after a /compact.
  commit({batch(cursor_at("/s1.jsonl", 100), std::nullopt,
                {record("r1", 1000, 5, 98), record("r2", 3000, 5, 116)},
                {snapshot("s1", 1500, 5, 98, 10), snapshot("s1", 2500, 5, 210, 20),
                 snapshot("s1", 3500, 10, 326, 30)})});
  EXPECT_EQ(query_int(path_, "SELECT COUNT(*) FROM dirty_sessions"), 1);
  auto settled = ledger_->reconcile(pricer_);
  ASSERT_TRUE(settled) << settled.error().message;
  EXPECT_EQ(*settled, 1);
  EXPECT_EQ(query_int(path_, "SELECT COUNT(*) FROM dirty_sessions"), 0);

  const AggregateRow t = total();
  EXPECT_EQ(t.requests, 3);
  EXPECT_EQ(t.tokens.output, 326);
  EXPECT_EQ(t.tokens.input, 10);
  EXPECT_EQ(count("kind = 'unlogged'"), 1);
  EXPECT_EQ(count("kind = 'unlogged' AND ts = 2500 AND output_tokens = 112 AND input_tokens = 0 "
                  "AND project = '/work/app' AND session_id = 's1'"),
            1);
  // Priced like any other record.
  EXPECT_DOUBLE_EQ(query_double(path_, "SELECT cost_usd FROM usage WHERE kind = 'unlogged'"), 1120);
  EXPECT_EQ(query_text(path_, "SELECT cost_source FROM usage WHERE kind = 'unlogged'"), "computed");

  // Nothing dirty: nothing settled, nothing changes.
  settled = ledger_->reconcile(pricer_);
  ASSERT_TRUE(settled) << settled.error().message;
  EXPECT_EQ(*settled, 0);
  EXPECT_EQ(total().tokens.output, 326);
}

// The rollup (migration 4) is kept by triggers; whatever happens to records (better copies
// replacing worse ones, unlogged records deleted and rewritten, costs updated by reconcile
// and repricing), it must equal the records summed directly.
TEST_F(SqliteLedgerTest, RollupAlwaysEqualsTheRecords) {
  // Row by row: every (bucket, agent, model, project, cost source) of the rollup holds
  // exactly the sums of its records.
  auto check = [&](const char* when) {
    const std::string raw = query_text(
        path_,
        "SELECT group_concat(g, ';') FROM (SELECT ((ts / 900000) * 900000) || ' ' || agent || ' ' "
        "|| model || ' ' || project || ' ' || cost_source || ' ' || COUNT(*) || ' ' || "
        "SUM(input_tokens) || ' ' || SUM(output_tokens) || ' ' || SUM(cache_read_tokens) || ' ' "
        "|| printf('%.6f', SUM(cost_usd)) || ' ' || SUM(lower(speed) = 'fast' OR "
        "lower(service_tier) = 'priority') AS g FROM usage GROUP BY (ts / 900000) * 900000, "
        "agent, model, project, cost_source ORDER BY 1)");
    const std::string rolled = query_text(
        path_,
        "SELECT group_concat(g, ';') FROM (SELECT bucket || ' ' || agent || ' ' || model || ' ' "
        "|| project || ' ' || cost_source || ' ' || requests || ' ' || input_tokens || ' ' || "
        "output_tokens || ' ' || cache_read_tokens || ' ' || printf('%.6f', cost_usd) || ' ' || "
        "fast_requests AS g FROM "
        "usage_rollup WHERE requests > 0 ORDER BY 1)");
    EXPECT_FALSE(raw.empty()) << when;
    EXPECT_EQ(raw, rolled) << when;
  };
  // r1 ran in fast mode; the better copy that replaces it below did not (the fast count
  // moves with the copy, as the tokens do).
  UsageRecord r1 = record("r1", 1000, 5, 98);
  r1.speed = "fast";
  commit({batch(cursor_at("/s1.jsonl", 100), std::nullopt, {r1, record("r2", 3000, 5, 116)},
                {snapshot("s1", 1500, 5, 98, 10), snapshot("s1", 3500, 10, 326, 30)})});
  check("after the first commit");
  EXPECT_EQ(query_int(path_, "SELECT SUM(fast_requests) FROM usage_rollup"), 1);
  ASSERT_TRUE(ledger_->reconcile(pricer_));
  check("after reconcile added an unlogged record");
  UsageRecord better = record("r1", 1000, 5, 120);  // a larger copy replaces r1
  // ... and in one commit, a new record and two copies of it (the rollup must not count
  // the replaced copy).
  UsageRecord fresh_small = record("r3", 2000 + kBucketMs, 2, 1);
  UsageRecord fresh_large = record("r3", 2000 + kBucketMs, 2, 9);
  fresh_large.model = "haiku";  // the better copy moves the record to another rollup row
  fresh_large.service_tier = "priority";
  commit({batch(cursor_at("/s1.jsonl", 200, 2), cursor_at("/s1.jsonl", 100),
                {better, fresh_small, fresh_large})});
  ASSERT_TRUE(ledger_->reconcile(pricer_));
  check("after a better copy and a smaller unlogged record");
  EXPECT_EQ(query_int(path_, "SELECT SUM(fast_requests) FROM usage_rollup"), 1);
  // Reported costs spread over a model the table lacks: a price-only update, which moves the
  // records from the unpriced rollup row to the agent-reported one (migration 9: from C++,
  // not by the trigger) ...
  commit({batch(cursor_at("/s2.jsonl", 100), std::nullopt,
                {record("u1", 1000, 5, 30, "s2", "unknown-opus"),
                 record("u2", 1000 + kBucketMs, 6, 43, "s2", "unknown-opus")},
                {snapshot("s2", 1500 + kBucketMs, 11, 73, 10, "unknown-opus", 0.5)})});
  check("after records of an unpriced model");
  ASSERT_TRUE(ledger_->reconcile(pricer_));
  check("after their reported cost was spread");
  // ... and a later, larger reported cost spreads again over the same rows.
  commit({batch(cursor_at("/s2.jsonl", 200, 2), cursor_at("/s2.jsonl", 100), {},
                {snapshot("s2", 2000 + kBucketMs, 11, 73, 10, "unknown-opus", 0.75)})});
  ASSERT_TRUE(ledger_->reconcile(pricer_));
  check("after a second spread");
  EXPECT_EQ(count("model = 'unknown-opus' AND cost_source = 'agent-reported'"), 2);
  FakePricer dearer("fake-2", 3.0);
  auto repriced = ledger_->reprice_if_needed(dearer);
  ASSERT_TRUE(repriced) << repriced.error().message;
  EXPECT_GT(*repriced, 0);
  check("after repricing");
  const AggregateRow t = total();
  // s1: the last snapshot's total, and r3 logged after it; s2: its two records (its
  // snapshots match them: nothing unlogged).
  EXPECT_EQ(t.tokens.output, 326 + 9 + 73);
}

TEST_F(SqliteLedgerTest, ReconcileIsIdempotentAndFollowsLaterLines) {
  commit({batch(cursor_at("/s1.jsonl", 100), std::nullopt, {record("r1", 1000, 5, 100)},
                {snapshot("s1", 1500, 5, 150, 10)})});
  ASSERT_TRUE(ledger_->reconcile(pricer_));
  EXPECT_EQ(total().tokens.output, 150);
  // The same batch read again (a restart) and reconciled again: no second unlogged record.
  commit({batch(cursor_at("/s1.jsonl", 100), std::nullopt, {record("r1", 1000, 5, 100)},
                {snapshot("s1", 1500, 5, 150, 10)})});
  ASSERT_TRUE(ledger_->reconcile(pricer_));
  EXPECT_EQ(total().tokens.output, 150);
  EXPECT_EQ(count("kind = 'unlogged'"), 1);
  // The "missing" spend turns out to be logged after all (a line arrives late): the unlogged
  // record shrinks, the total stays the snapshot's.
  commit({batch(cursor_at("/s1.jsonl", 200, 2), cursor_at("/s1.jsonl", 100),
                {record("r2", 1400, 0, 30)})});
  ASSERT_TRUE(ledger_->reconcile(pricer_));
  EXPECT_EQ(total().tokens.output, 150);
  EXPECT_EQ(count("kind = 'unlogged' AND output_tokens = 20"), 1);
}

// Reconcile writes only the unlogged records that changed (a statusline refresh settles its
// session on every turn). Triggers added to the ledger file log every write to an unlogged
// row, so a rewrite of an unchanged set shows up.
TEST_F(SqliteLedgerTest, ReconcileWritesOnlyTheUnloggedRecordsThatChanged) {
  // opus: logged 100 + 116 output, snapshots 150 at 1500 and 300 at 2500: unlogged steps of
  // 50 (at 1500) and 34 (at 2500).
  commit({batch(cursor_at("/s1.jsonl", 100), std::nullopt,
                {record("r1", 1000, 5, 100), record("r2", 3000, 5, 116)},
                {snapshot("s1", 1500, 5, 150, 10), snapshot("s1", 2500, 5, 300, 20)})});
  ASSERT_TRUE(ledger_->reconcile(pricer_));
  ASSERT_EQ(count("kind = 'unlogged' AND ts = 1500 AND output_tokens = 50"), 1);
  ASSERT_EQ(count("kind = 'unlogged' AND ts = 2500 AND output_tokens = 34"), 1);
  ASSERT_EQ(total().tokens.output, 300);

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE unlogged_writes (op TEXT NOT NULL);"
                         "CREATE TRIGGER log_ins AFTER INSERT ON usage WHEN NEW.kind = 'unlogged' "
                         "BEGIN INSERT INTO unlogged_writes VALUES ('insert'); END;"
                         "CREATE TRIGGER log_upd AFTER UPDATE ON usage WHEN NEW.kind = 'unlogged' "
                         "BEGIN INSERT INTO unlogged_writes VALUES ('update'); END;"
                         "CREATE TRIGGER log_del AFTER DELETE ON usage WHEN OLD.kind = 'unlogged' "
                         "BEGIN INSERT INTO unlogged_writes VALUES ('delete'); END;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  auto writes = [&](const std::string& op) {
    return query_int(path_, "SELECT COUNT(*) FROM unlogged_writes WHERE op = '" + op + "'");
  };
  auto settle = [&](std::vector<UsageRecord> records, std::int64_t n) {
    commit({batch(cursor_at("/s1.jsonl", 100 * (n + 1), n + 1), cursor_at("/s1.jsonl", 100 * n, n),
                  std::move(records))});
    auto settled = ledger_->reconcile(pricer_);
    ASSERT_TRUE(settled) << settled.error().message;
    EXPECT_EQ(*settled, 1);
  };

  // Another model's response: the opus steps are unchanged, nothing is written.
  settle({record("r3", 4000, 5, 7, "s1", "sonnet")}, 1);
  EXPECT_EQ(writes("insert") + writes("update") + writes("delete"), 0);
  EXPECT_EQ(total().tokens.output, 300 + 7);

  // An opus response after the last snapshot: the last snapshot sees it, so its step shrinks
  // to 24 and only that record is written, in place.
  settle({record("r4", 4000, 0, 10)}, 2);
  EXPECT_EQ(writes("update"), 1);
  EXPECT_EQ(writes("insert") + writes("delete"), 0);
  EXPECT_EQ(count("kind = 'unlogged' AND ts = 2500 AND output_tokens = 24"), 1);
  EXPECT_EQ(total().tokens.output, 300 + 7);

  // A late line before the first snapshot fills its step: one step is gone, so the set is
  // written anew (two deleted, one inserted), and the total is still the snapshot's.
  settle({record("r5", 1200, 0, 50)}, 3);
  EXPECT_EQ(writes("delete"), 2);
  EXPECT_EQ(writes("insert"), 1);
  EXPECT_EQ(count("kind = 'unlogged'"), 1);
  EXPECT_EQ(count("kind = 'unlogged' AND ts = 2500 AND output_tokens = 24"), 1);
  EXPECT_EQ(total().tokens.output, 300 + 7);
}

TEST_F(SqliteLedgerTest, SubAgentRecordsCountTowardTheParentsSnapshot) {
  UsageRecord sub = record("sub1", 1200, 6, 67, "s1/agent-x");
  sub.parent_session_id = "s1";
  sub.sidechain = true;
  commit({batch(cursor_at("/s1/subagents/agent-x.jsonl", 10), std::nullopt, {sub})});
  commit({batch(cursor_at("/s1.jsonl", 100), std::nullopt, {record("r1", 1000, 29, 97)},
                {snapshot("s1", 2000, 35, 164, 10)})});
  ASSERT_TRUE(ledger_->reconcile(pricer_));
  EXPECT_EQ(count("kind = 'unlogged'"), 0);
  EXPECT_EQ(total().tokens.output, 164);
  EXPECT_EQ(total().requests, 2);
}

TEST_F(SqliteLedgerTest, AgentReportedCostSpreadSumsExactlyToTheSnapshotCost) {
  // A model the price table lacks: the cost-state's costUSD is the only price there is.
  const double reported = 0.069573;
  commit({batch(
      cursor_at("/s1.jsonl", 100), std::nullopt,
      {record("r1", 1000, 5, 30, "s1", "unknown-opus"),
       record("r2", 2000, 6, 43, "s1", "unknown-opus"),
       record("r3", 3000, 7, 25, "s1", "unknown-opus"), record("k1", 3000, 7, 25, "s1", "opus")},
      {snapshot("s1", 3500, 18 + 3, 98 + 11, 10, "unknown-opus", reported),
       snapshot("s1", 3500, 7, 25, 10, "opus", 123.0)})});
  ASSERT_TRUE(ledger_->reconcile(pricer_));
  double sum = 0;
  std::int64_t requests = 0;
  for (const AggregateRow& r : rows({}, GroupBy{.model = true, .local_days = {}})) {
    if (r.model == "unknown-opus") {
      EXPECT_EQ(r.cost_source, CostSource::agent_reported);
      sum += r.cost_usd;
      requests += r.requests;
    } else {
      EXPECT_EQ(r.model, "opus");
      EXPECT_EQ(r.cost_source, CostSource::computed);
      EXPECT_DOUBLE_EQ(r.cost_usd, 7 + 250);  // the table price, not the reported 123
    }
  }
  EXPECT_EQ(requests, 4);  // 3 logged + 1 unlogged
  EXPECT_NEAR(sum, reported, 1e-12);
  // Every share is positive and weighted: the record with the most output costs the most.
  EXPECT_GT(query_double(path_, "SELECT cost_usd FROM usage WHERE id = 'r2'"),
            query_double(path_, "SELECT cost_usd FROM usage WHERE id = 'r1'"));
  EXPECT_EQ(count("model = 'unknown-opus' AND (cost_usd <= 0 OR reported_cost_usd IS NULL)"), 0);
}

TEST_F(SqliteLedgerTest, UnknownModelWithoutAnyCostIsUnpriced) {
  commit({batch(cursor_at("/s1.jsonl", 100), std::nullopt,
                {record("r1", 1000, 5, 30, "s1", "unknown-x")})});
  ASSERT_TRUE(ledger_->reconcile(pricer_));
  const std::vector<AggregateRow> r = rows();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].cost_source, CostSource::unpriced);
  EXPECT_EQ(r[0].cost_usd, 0);
}

// --- Repricing --------------------------------------------------------------------------------

TEST_F(SqliteLedgerTest, RepricesAllAndOnlyWhenTheFingerprintChanges) {
  commit({batch(cursor_at("/s1.jsonl", 100), std::nullopt,
                {record("r1", 1000, 5, 1), record("r2", 2000, 7, 2),
                 record("u1", 2000, 7, 2, "s1", "unknown-x")},
                {snapshot("s1", 2500, 14, 3, 10, "unknown-x", 0.5)})});
  ASSERT_TRUE(ledger_->reconcile(pricer_));
  auto n = ledger_->reprice_if_needed(pricer_);
  ASSERT_TRUE(n) << n.error().message;
  // The first call records the fingerprint (repricing with the same prices changes nothing).
  EXPECT_DOUBLE_EQ(total().cost_usd, 5 + 10 + 7 + 20 + 0.5);
  n = ledger_->reprice_if_needed(pricer_);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 0);

  const FakePricer doubled("fake-2", 2.0);
  const std::int64_t calls_before = doubled.calls();
  n = ledger_->reprice_if_needed(doubled);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 4);  // every record, unlogged ones included
  EXPECT_EQ(doubled.calls() - calls_before, 4);
  // Computed costs doubled; the agent-reported share is the agent's figure still.
  EXPECT_NEAR(total().cost_usd, 2 * (5 + 10 + 7 + 20) + 0.5, 1e-9);
  n = ledger_->reprice_if_needed(doubled);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 0);
  // Back to the old prices: a change again.
  n = ledger_->reprice_if_needed(pricer_);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 4);
  EXPECT_NEAR(total().cost_usd, 5 + 10 + 7 + 20 + 0.5, 1e-9);
}

TEST_F(SqliteLedgerTest, FingerprintSurvivesReopening) {
  commit({batch(cursor_at("/s1.jsonl", 100), std::nullopt, {record("r1", 1000, 5, 1)})});
  ASSERT_TRUE(ledger_->reprice_if_needed(pricer_));
  ledger_.reset();
  auto again = open_sqlite_ledger(path_);
  ASSERT_TRUE(again) << again.error().message;
  auto n = (*again)->reprice_if_needed(pricer_);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 0);
}

// --- Problems and sessions -------------------------------------------------------------------

TEST_F(SqliteLedgerTest, ProblemsAreCountedAndTheFirstFewListed) {
  WriteBatch b = batch(cursor_at("/a.jsonl", 10), std::nullopt);
  for (int i = 1; i <= 7; ++i) {
    b.problems.push_back(ParseProblem{"/a.jsonl", i, i * 10, fmt::format("bad line {}", i)});
  }
  commit({b});
  auto p = ledger_->problems(3);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->total, 7);
  ASSERT_EQ(p->first.size(), 3u);
  EXPECT_EQ(p->first[0].line, 1);
  EXPECT_EQ(p->first[0].offset, 10);
  EXPECT_EQ(p->first[0].what, "bad line 1");
  EXPECT_EQ(p->first[2].line, 3);
}

TEST_F(SqliteLedgerTest, SessionFactsMergeAcrossFilesAndFilterByPrefix) {
  SessionFacts f1;
  f1.agent = Agent::claude;
  f1.session_id = "s1";
  f1.file_key = "s1.jsonl";
  f1.project = "/work/app";
  f1.first_ts = 2000;
  f1.last_ts = 3000;
  f1.user_prompts = 2;
  f1.compactions = 1;
  SessionFacts f2 = f1;
  f2.file_key = "s1-copy.jsonl";  // e.g. another file carrying the same session
  f2.first_ts = 1000;
  f2.last_ts = 2500;
  f2.user_prompts = 3;
  f2.errors = 1;
  SessionFacts sub;
  sub.agent = Agent::claude;
  sub.session_id = "s1/agent-x";
  sub.parent_session_id = "s1";
  sub.file_key = "agent-x.jsonl";
  sub.first_ts = 1500;
  WriteBatch a = batch(cursor_at("/a.jsonl", 10), std::nullopt);
  a.sessions = {f1, sub};
  WriteBatch b = batch(cursor_at("/b.jsonl", 10), std::nullopt);
  b.sessions = {f2};
  commit({a, b});
  auto all = ledger_->sessions("");
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  auto s1 = ledger_->sessions("s1");
  ASSERT_TRUE(s1) << s1.error().message;
  const SessionFacts* main = nullptr;
  for (const SessionFacts& f : *s1) {
    if (f.session_id == "s1") {
      main = &f;
    }
  }
  ASSERT_NE(main, nullptr);
  EXPECT_EQ(main->first_ts, 1000);
  EXPECT_EQ(main->last_ts, 3000);
  EXPECT_EQ(main->user_prompts, 5);
  EXPECT_EQ(main->errors, 1);
  EXPECT_EQ(main->compactions, 2);
  EXPECT_EQ(main->project, "/work/app");
  auto none = ledger_->sessions("zzz");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->empty());
}

// --- Concurrency ------------------------------------------------------------------------------

TEST_F(SqliteLedgerTest, TwoConnectionsOnTheSameFileBothCommit) {
  auto second = open_sqlite_ledger(path_);
  ASSERT_TRUE(second) << second.error().message;
  commit({batch(cursor_at("/a.jsonl", 10), std::nullopt, {record("a1", 1000, 1, 1)})});
  std::vector<WriteBatch> b = {
      batch(cursor_at("/b.jsonl", 10), std::nullopt, {record("b1", 1000, 2, 1)})};
  auto r = (*second)->commit(b, pricer_);
  ASSERT_TRUE(r) << r.error().message;
  auto n1 = ledger_->record_count();
  auto n2 = (*second)->record_count();
  ASSERT_TRUE(n1 && n2);
  EXPECT_EQ(*n1, 2);
  EXPECT_EQ(*n2, 2);
  // The second connection sees the first's cursor, so its stale read is dropped.
  std::vector<WriteBatch> stale = {batch(cursor_at("/a.jsonl", 20, 2), cursor_at("/a.jsonl", 5))};
  auto s = (*second)->commit(stale, pricer_);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->stale_batches, 1);
}

TEST_F(SqliteLedgerTest, ConcurrentWritersQueueInsteadOfFailing) {
  constexpr int kBatches = 40;
  auto writer = [&](const std::string& name, Status* out) {
    auto l = open_sqlite_ledger(path_);
    if (!l) {
      *out = Unexpected{l.error()};
      return;
    }
    FakePricer pricer;
    for (int i = 0; i < kBatches; ++i) {
      std::vector<WriteBatch> b = {batch(
          cursor_at("/" + name + ".jsonl", i + 1, i + 1),
          i == 0 ? std::nullopt : std::optional<FileCursor>(cursor_at("/" + name + ".jsonl", i, i)),
          {record(fmt::format("{}-{}", name, i), 1000 + i, 1, 1, name)})};
      auto r = l->get()->commit(b, pricer);
      if (!r) {
        *out = Unexpected{r.error()};
        return;
      }
      auto settled = l->get()->reconcile(pricer);
      if (!settled) {
        *out = Unexpected{settled.error()};
        return;
      }
    }
  };
  Status a;
  Status b;
  std::thread ta(writer, "a", &a);
  std::thread tb(writer, "b", &b);
  ta.join();
  tb.join();
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(b) << b.error().message;
  auto n = ledger_->record_count();
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 2 * kBatches);
}

}  // namespace
}  // namespace tally::store
