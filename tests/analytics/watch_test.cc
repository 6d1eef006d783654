// `tally watch`'s panel computed from a constructed ledger: today in the zone, the active
// block, the sessions in flight (a record in the last 15 minutes, sub-agents under their
// root) and the recent sessions, newest first. Prices: the store tests' FakePricer ($1 per
// input token, $10 per output token).

#include "analytics/watch.h"

#include <gtest/gtest.h>

#include "../store/test_ledger_support.h"
#include "store/sqlite/sqlite_backend.h"

namespace tally::analytics {
namespace {

TimeMs at(const char* iso) { return *parse_iso8601(iso); }

class WatchPanelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ledger = store::open_sqlite_ledger(":memory:");
    ASSERT_TRUE(ledger) << ledger.error().message;
    ledger_ = std::move(*ledger);
    auto zone = Zone::use("UTC");
    ASSERT_TRUE(zone);
    zone_.emplace(*zone);
  }

  void add(UsageRecord r) {
    store::WriteBatch batch;
    batch.cursor.path = "/logs/batch-" + std::to_string(n_++);
    batch.records.push_back(std::move(r));
    std::vector<store::WriteBatch> batches;
    batches.push_back(std::move(batch));
    auto committed = ledger_->commit(batches, pricer_);
    ASSERT_TRUE(committed) << committed.error().message;
  }

  std::unique_ptr<store::Ledger> ledger_;
  std::optional<Zone> zone_;
  store::test::FakePricer pricer_;
  int n_ = 0;
};

TEST_F(WatchPanelTest, TodayBlockInFlightAndRecent) {
  add(store::test::record("old", at("2026-11-19T08:00:00Z"), 5, 0, "yesterday"));
  add(store::test::record("a", at("2026-11-20T11:00:00Z"), 10, 1, "main"));  // $20
  UsageRecord sub = store::test::record("b", at("2026-11-20T12:20:00Z"), 2, 0, "agent-1");
  sub.parent_session_id = "main";  // in flight as its root session
  add(sub);
  const TimeMs now = at("2026-11-20T12:30:00Z");

  auto panel = build_watch_panel(*ledger_, *zone_, store::RecordFilter{}, now);
  ASSERT_TRUE(panel) << panel.error().message;
  EXPECT_EQ(panel->now, now);
  EXPECT_DOUBLE_EQ(panel->today_cost, 22);
  EXPECT_EQ(panel->today_requests, 2);
  EXPECT_EQ(panel->today_tokens, 13);
  ASSERT_TRUE(panel->block);
  EXPECT_EQ(panel->block->start, at("2026-11-20T11:00:00Z"));
  ASSERT_EQ(panel->in_flight.size(), 1u);
  EXPECT_EQ(panel->in_flight[0].session, "main");
  EXPECT_EQ(panel->in_flight[0].last, at("2026-11-20T12:20:00Z"));
  ASSERT_EQ(panel->recent.size(), 2u);
  EXPECT_EQ(panel->recent[0].session, "main");
  EXPECT_DOUBLE_EQ(panel->recent[0].cost_usd, 22);
  EXPECT_EQ(panel->recent[1].session, "yesterday");
}

TEST_F(WatchPanelTest, AnIdleLedgerHasNoBlockAndNothingInFlight) {
  add(store::test::record("a", at("2026-11-20T01:00:00Z"), 3, 0, "early"));
  auto panel =
      build_watch_panel(*ledger_, *zone_, store::RecordFilter{}, at("2026-11-20T12:00:00Z"));
  ASSERT_TRUE(panel) << panel.error().message;
  EXPECT_FALSE(panel->block);
  EXPECT_TRUE(panel->in_flight.empty());
  EXPECT_DOUBLE_EQ(panel->today_cost, 3);
  ASSERT_EQ(panel->recent.size(), 1u);
}

}  // namespace
}  // namespace tally::analytics
