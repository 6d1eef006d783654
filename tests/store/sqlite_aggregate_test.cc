#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sqlite_ledger_fixture.h"
#include "store/sqlite/sqlite_backend.h"
#include "test_ledger_support.h"

// The SQLite ledger's aggregate() and events(): filters, groupings and time buckets.

namespace tally::store {
namespace {

using test::batch;
using test::cursor_at;
using test::record;

using test::SqliteLedgerTest;

// --- Aggregation ------------------------------------------------------------------------------

class SqliteLedgerAggregateTest : public SqliteLedgerTest {
 protected:
  void SetUp() override {
    SqliteLedgerTest::SetUp();
    UsageRecord a = record("a", kT0, 1, 1, "sess-a");
    UsageRecord b = record("b", kT0 + kBucketMs - 1, 2, 2, "sess-a", "haiku");
    UsageRecord c = record("c", kT0 + kBucketMs, 4, 4, "sess-a/agent-1");
    c.parent_session_id = "sess-a";
    UsageRecord d = record("d", kT0 + 2 * kBucketMs, 8, 8, "sess-b");
    d.project = "/work/other";
    UsageRecord e = record("e", kT0 + 3 * kBucketMs, 16, 16, "thread-1", "gpt-5.5");
    e.agent = Agent::codex;
    e.project = "/work/app";
    commit({batch(cursor_at("/x.jsonl", 10), std::nullopt, {a, b, c, d, e})});
  }
  // 2026-11-22T00:00:00Z: a multiple of 15 minutes.
  static constexpr TimeMs kT0 = 1795305600000;
};

TEST_F(SqliteLedgerAggregateTest, NoFilterNoGroupIsOneRowPerCostSource) {
  const std::vector<AggregateRow> r = rows();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].requests, 5);
  EXPECT_EQ(r[0].tokens.input, 31);
  EXPECT_EQ(r[0].tokens.output, 31);
  EXPECT_DOUBLE_EQ(r[0].cost_usd, 31 + 310);
  // Answered from the 15-minute rollup: first/last are as precise as its buckets.
  EXPECT_EQ(r[0].first_ts, kT0);
  EXPECT_GE(r[0].last_ts, kT0 + 3 * kBucketMs);
  EXPECT_LT(r[0].last_ts, kT0 + 4 * kBucketMs);
}

TEST_F(SqliteLedgerAggregateTest, SinceIsInclusiveUntilIsExclusive) {
  RecordFilter f;
  f.since = kT0 + kBucketMs - 1;
  f.until = kT0 + 2 * kBucketMs;
  EXPECT_EQ(total(f).tokens.input, 2 + 4);
  f.until.reset();
  EXPECT_EQ(total(f).tokens.input, 2 + 4 + 8 + 16);
  f.since.reset();
  f.until = kT0;
  EXPECT_EQ(total(f).requests, 0);
}

TEST_F(SqliteLedgerAggregateTest, FiltersByAgentProjectAndSessionPrefix) {
  RecordFilter f;
  f.agent = Agent::codex;
  EXPECT_EQ(total(f).tokens.input, 16);
  f = {};
  f.agent = Agent::gemini;
  EXPECT_EQ(total(f).requests, 0);
  f = {};
  f.project = "other";
  EXPECT_EQ(total(f).tokens.input, 8);
  f.project = "/work/";
  EXPECT_EQ(total(f).tokens.input, 31);
  f = {};
  f.session = "sess-a";  // the session and its sub-agent
  EXPECT_EQ(total(f).tokens.input, 1 + 2 + 4);
  f.session = "sess-a/agent";
  EXPECT_EQ(total(f).tokens.input, 4);
  f.session = "sess";
  EXPECT_EQ(total(f).tokens.input, 1 + 2 + 4 + 8);
  f.session = "zzz";
  EXPECT_EQ(total(f).requests, 0);
  // Filters combine.
  f = {};
  f.session = "sess";
  f.since = kT0 + kBucketMs;
  EXPECT_EQ(total(f).tokens.input, 4 + 8);
}

TEST_F(SqliteLedgerAggregateTest, RootSessionIsAnExactMatchOfASessionAndItsSubAgents) {
  RecordFilter f;
  f.agent = Agent::claude;
  f.root_session = "sess-a";  // its own records and its sub-agent's
  EXPECT_EQ(total(f).tokens.input, 1 + 2 + 4);
  auto events = ledger_->events(f);
  ASSERT_TRUE(events) << events.error().message;
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[2].session_id, "sess-a/agent-1");
  f.root_session = "sess";  // not a prefix match
  EXPECT_EQ(total(f).requests, 0);
  f.root_session = "sess-a/agent-1";  // a sub-agent is not a root
  EXPECT_EQ(total(f).requests, 0);
  f.root_session = "sess-b";
  EXPECT_EQ(total(f).tokens.input, 8);
  f.agent = Agent::codex;  // filters combine
  EXPECT_EQ(total(f).requests, 0);
  f = {};
  f.root_session = "thread-1";
  EXPECT_EQ(total(f).tokens.input, 16);
  f.since = kT0 + 4 * kBucketMs;
  EXPECT_EQ(total(f).requests, 0);
}

TEST_F(SqliteLedgerAggregateTest, EventsAreEveryRecordOldestFirstWithTheFilterApplied) {
  auto all = ledger_->events({});
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 5u);
  for (size_t i = 1; i < all->size(); ++i) {
    EXPECT_LE((*all)[i - 1].ts, (*all)[i].ts);
  }
  EXPECT_EQ((*all)[1].ts, kT0 + kBucketMs - 1);  // exact, not bucketed
  EXPECT_EQ((*all)[1].model, "haiku");
  EXPECT_EQ((*all)[2].session_id, "sess-a/agent-1");
  EXPECT_EQ((*all)[2].root_session, "sess-a");
  EXPECT_EQ((*all)[3].project, "/work/other");
  EXPECT_EQ((*all)[4].agent, Agent::codex);
  EXPECT_EQ((*all)[4].tokens.input, 16);
  EXPECT_DOUBLE_EQ((*all)[4].cost_usd, 16 + 160);

  RecordFilter f;
  f.session = "sess-a";
  f.since = kT0 + 1;
  auto some = ledger_->events(f);
  ASSERT_TRUE(some) << some.error().message;
  ASSERT_EQ(some->size(), 2u);
  EXPECT_EQ((*some)[0].tokens.input, 2);
  EXPECT_EQ((*some)[1].tokens.input, 4);
}

TEST_F(SqliteLedgerAggregateTest, GroupsByModelAgentProjectAndSessions) {
  std::map<std::string, std::int64_t> by_model;
  for (const AggregateRow& r : rows({}, GroupBy{.model = true, .local_days = {}})) {
    by_model[r.model] += r.tokens.input;
    EXPECT_EQ(r.project, "");
  }
  EXPECT_EQ(by_model,
            (std::map<std::string, std::int64_t>{{"gpt-5.5", 16}, {"haiku", 2}, {"opus", 13}}));

  std::map<Agent, std::int64_t> by_agent;
  for (const AggregateRow& r : rows({}, GroupBy{.agent = true, .local_days = {}})) {
    by_agent[r.agent] += r.requests;
  }
  EXPECT_EQ(by_agent, (std::map<Agent, std::int64_t>{{Agent::claude, 4}, {Agent::codex, 1}}));

  std::map<std::string, std::int64_t> by_project;
  for (const AggregateRow& r : rows({}, GroupBy{.project = true, .local_days = {}})) {
    by_project[r.project] += r.tokens.input;
  }
  EXPECT_EQ(by_project,
            (std::map<std::string, std::int64_t>{{"/work/app", 23}, {"/work/other", 8}}));

  std::map<std::string, std::int64_t> by_root;
  for (const AggregateRow& r : rows({}, GroupBy{.root_session = true, .local_days = {}})) {
    by_root[r.session] += r.tokens.input;
  }
  EXPECT_EQ(by_root,
            (std::map<std::string, std::int64_t>{{"sess-a", 7}, {"sess-b", 8}, {"thread-1", 16}}));

  std::map<std::string, std::int64_t> by_session;
  for (const AggregateRow& r :
       rows({}, GroupBy{.root_session = true, .session = true, .local_days = {}})) {
    by_session[r.session] += r.tokens.input;
  }
  EXPECT_EQ(by_session,
            (std::map<std::string, std::int64_t>{
                {"sess-a", 3}, {"sess-a/agent-1", 4}, {"sess-b", 8}, {"thread-1", 16}}));

  // Two dimensions at once.
  std::map<std::pair<Agent, std::string>, std::int64_t> by_agent_model;
  for (const AggregateRow& r : rows({}, GroupBy{.agent = true, .model = true, .local_days = {}})) {
    by_agent_model[{r.agent, r.model}] += r.requests;
  }
  EXPECT_EQ(by_agent_model.size(), 3u);
  EXPECT_EQ((by_agent_model[{Agent::claude, "opus"}]), 3);
}

TEST_F(SqliteLedgerAggregateTest, GroupsByFifteenMinuteUtcBuckets) {
  std::map<std::int64_t, std::int64_t> by_bucket;
  for (const AggregateRow& r : rows({}, GroupBy{.time_bucket = true, .local_days = {}})) {
    by_bucket[r.bucket] += r.tokens.input;
    EXPECT_LE(r.bucket, r.first_ts);
    EXPECT_LT(r.last_ts, r.bucket + kBucketMs);
  }
  EXPECT_EQ(by_bucket, (std::map<std::int64_t, std::int64_t>{{kT0, 1 + 2},
                                                             {kT0 + kBucketMs, 4},
                                                             {kT0 + 2 * kBucketMs, 8},
                                                             {kT0 + 3 * kBucketMs, 16}}));
}

// Local days merge the quarter hours of a day: a row per day (and model) whose bucket is the
// day's start, its sums those of its quarter hours, its first and last times within the day.
TEST_F(SqliteLedgerAggregateTest, LocalDaysMergeTheQuarterHoursOfADay) {
  auto utc = Zone::use("UTC");
  ASSERT_TRUE(utc);
  const auto day_of = [&](std::int64_t bucket) { return utc->start_of(utc->local_date(bucket)); };
  GroupBy daily{.time_bucket = true, .model = true, .local_days = *utc};
  std::map<std::pair<std::int64_t, std::string>, std::int64_t> got;
  for (const AggregateRow& r : rows({}, daily)) {
    EXPECT_TRUE(got.emplace(std::pair(r.bucket, r.model), r.tokens.input).second)
        << "one row per day and model";
    EXPECT_EQ(r.bucket, kT0) << "the fixture's records all fall on the day kT0 starts";
    EXPECT_LE(r.bucket, r.first_ts);
    EXPECT_LT(r.last_ts, r.bucket + 24 * 3600 * 1000);
  }
  // The same sums from the quarter-hour rows, merged here.
  std::map<std::pair<std::int64_t, std::string>, std::int64_t> expected;
  const auto quarter_hours =
      rows({}, GroupBy{.time_bucket = true, .model = true, .local_days = {}});
  for (const AggregateRow& r : quarter_hours) {
    expected[{day_of(r.bucket), r.model}] += r.tokens.input;
  }
  EXPECT_EQ(got, expected);
  EXPECT_LT(got.size(), quarter_hours.size()) << "the fixture must have buckets to merge";
}

TEST_F(SqliteLedgerAggregateTest, CostSourcesAreSeparateRows) {
  commit({batch(cursor_at("/y.jsonl", 10), std::nullopt,
                {record("u", kT0, 100, 0, "sess-c", "unknown-z")})});
  const std::vector<AggregateRow> r = rows({}, GroupBy{.model = true, .local_days = {}});
  std::int64_t unpriced = 0;
  for (const AggregateRow& row : r) {
    if (row.cost_source == CostSource::unpriced) {
      EXPECT_EQ(row.model, "unknown-z");
      unpriced += row.requests;
    }
  }
  EXPECT_EQ(unpriced, 1);
}

}  // namespace
}  // namespace tally::store
