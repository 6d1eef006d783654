// --breakdown (ReportQuery::breakdown): every grouped report's rows split per agent and model,
// on a constructed ledger priced with the built-in table. Three weeks of records at real
// prices, so costs are sums of doubles that do not add up exactly in every order: each row
// must still be the sum of its shares to the last bit, and adding --breakdown must not change
// a single number of the rows.

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "analytics/rollup.h"
#include "core/time.h"
#include "pricing/factory.h"
#include "store/sqlite/sqlite_backend.h"

namespace tally::analytics {
namespace {

struct Model {
  Agent agent;
  const char* name;
  bool reports_cost;  // the agent logs its own cost (a model the price table lacks)
};

// claude-opus-5-5 is not in the price table but its records carry the agent's cost
// (agent-reported); gpt-6-sol is in no table and reports nothing (unpriced).
const Model kModels[] = {
    {Agent::claude, "claude-opus-4-8", false}, {Agent::claude, "claude-haiku-4-5", false},
    {Agent::claude, "claude-opus-5-5", true},  {Agent::codex, "gpt-5.5", false},
    {Agent::codex, "gpt-6-sol", false},        {Agent::gemini, "gemini-2.5-pro", false},
};

class BreakdownTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ledger = store::open_sqlite_ledger(":memory:");
    ASSERT_TRUE(ledger) << ledger.error().message;
    ledger_ = std::move(*ledger);
    const std::unique_ptr<pricing::Pricer> pricer = pricing::make_builtin_pricer();
    // A fixed pseudo-random walk: token counts with no pattern, two projects, a few
    // sessions a day, 21 days around a month's end (so weeks and months split them).
    std::uint64_t seed = 12345;
    auto next = [&seed](std::uint64_t bound) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      return static_cast<std::int64_t>((seed >> 33) % bound);
    };
    std::vector<UsageRecord> records;
    const TimeMs start = *parse_iso8601("2026-10-20T00:00:00Z");
    for (int i = 0; i < 600; ++i) {
      const Model& m = kModels[next(std::size(kModels))];
      UsageRecord r;
      r.id = "r" + std::to_string(i);
      r.agent = m.agent;
      r.ts = start + next(21LL * 24 * 3600) * 1000;
      r.session_id = "s" + std::to_string(next(12));
      r.project = next(3) == 0 ? "/w/api" : "/w/app";
      r.model = m.name;
      r.tokens.input = 1 + next(40000);
      r.tokens.cache_read = next(300000);
      r.tokens.cache_write = next(20000);
      r.tokens.output = 1 + next(4000);
      r.tokens.reasoning = m.agent == Agent::codex ? next(800) : 0;
      r.source_file = "/logs/" + r.session_id + ".jsonl";
      if (m.reports_cost) {
        r.reported_cost_usd = static_cast<double>(1 + next(9999)) / 7000.0;
      }
      records.push_back(std::move(r));
    }
    store::WriteBatch batch;
    batch.cursor.path = "/logs/all";
    batch.records = std::move(records);
    std::vector<store::WriteBatch> batches;
    batches.push_back(std::move(batch));
    auto committed = ledger_->commit(batches, *pricer);
    ASSERT_TRUE(committed) << committed.error().message;
    auto zone = Zone::use("Europe/Berlin");
    ASSERT_TRUE(zone);
    zone_.emplace(*zone);
  }
  void TearDown() override { ASSERT_TRUE(Zone::use("UTC")); }

  Report report(Grouping grouping, bool breakdown) {
    ReportQuery q;
    q.breakdown = breakdown;
    auto r = build_report(*ledger_, grouping, q, *zone_);
    EXPECT_TRUE(r) << r.error().message;
    return r ? std::move(*r) : Report{};
  }

  std::unique_ptr<store::Ledger> ledger_;
  std::optional<Zone> zone_;
};

constexpr Grouping kGroupings[] = {Grouping::day, Grouping::week, Grouping::month,
                                   Grouping::session, Grouping::project};

void expect_same_totals(const Totals& want, const Totals& got, const std::string& where) {
  EXPECT_EQ(got.requests, want.requests) << where;
  EXPECT_EQ(got.tokens.input, want.tokens.input) << where;
  EXPECT_EQ(got.tokens.cache_read, want.tokens.cache_read) << where;
  EXPECT_EQ(got.tokens.cache_write, want.tokens.cache_write) << where;
  EXPECT_EQ(got.tokens.cache_write_1h, want.tokens.cache_write_1h) << where;
  EXPECT_EQ(got.tokens.output, want.tokens.output) << where;
  EXPECT_EQ(got.tokens.reasoning, want.tokens.reasoning) << where;
  // Bit for bit: the row is built as this very sum.
  EXPECT_EQ(got.cost_usd, want.cost_usd) << where;
  EXPECT_EQ(got.standard_cost_usd, want.standard_cost_usd) << where;
  EXPECT_EQ(got.cost_source, want.cost_source) << where;
  EXPECT_EQ(got.unpriced_requests, want.unpriced_requests) << where;
  EXPECT_EQ(got.reported_requests, want.reported_requests) << where;
}

TEST_F(BreakdownTest, EveryRowIsExactlyTheSumOfItsShares) {
  for (const Grouping grouping : kGroupings) {
    const Report r = report(grouping, true);
    ASSERT_TRUE(r.breakdown);
    ASSERT_FALSE(r.rows.empty());
    for (const ReportRow& row : r.rows) {
      const std::string where = row.keys.empty() ? "?" : row.keys[0].second;
      ASSERT_FALSE(row.breakdown.empty()) << where;
      Totals sum;
      for (const ModelShare& share : row.breakdown) {
        sum.add(share.totals);
      }
      expect_same_totals(row.totals, sum, where);
    }
  }
}

TEST_F(BreakdownTest, SharesAreOneModelEachCostliestFirst) {
  for (const Grouping grouping : kGroupings) {
    for (const ReportRow& row : report(grouping, true).rows) {
      for (std::size_t i = 0; i < row.breakdown.size(); ++i) {
        const ModelShare& share = row.breakdown[i];
        EXPECT_EQ(share.model.find(','), std::string::npos) << share.model;
        EXPECT_NE(row.model.find(share.model), std::string::npos) << row.model;
        EXPECT_NE(row.agent.find(share.agent), std::string::npos) << row.agent;
        for (std::size_t j = 0; j < i; ++j) {
          EXPECT_FALSE(row.breakdown[j].agent == share.agent &&
                       row.breakdown[j].model == share.model)
              << "twice: " << share.model;
        }
        if (i > 0) {
          EXPECT_GE(row.breakdown[i - 1].totals.cost_usd, share.totals.cost_usd);
        }
      }
    }
  }
}

TEST_F(BreakdownTest, UnpricedAndAgentReportedModelsAreMarkedOnTheirOwnLines) {
  std::int64_t unpriced = 0;
  std::int64_t reported = 0;
  for (const ReportRow& row : report(Grouping::day, true).rows) {
    for (const ModelShare& share : row.breakdown) {
      if (share.model == "gpt-6-sol") {
        ++unpriced;
        EXPECT_EQ(share.totals.cost_source, CostSource::unpriced);
        EXPECT_EQ(share.totals.unpriced_requests, share.totals.requests);
        EXPECT_EQ(share.totals.cost_usd, 0.0);
        EXPECT_EQ(row.totals.cost_source, CostSource::unpriced);
      } else if (share.model == "claude-opus-5-5") {
        ++reported;
        EXPECT_EQ(share.totals.cost_source, CostSource::agent_reported);
        EXPECT_GT(share.totals.cost_usd, 0.0);
      } else {
        EXPECT_EQ(share.totals.cost_source, CostSource::computed) << share.model;
      }
    }
  }
  EXPECT_GT(unpriced, 0);
  EXPECT_GT(reported, 0);
}

TEST_F(BreakdownTest, BreakdownChangesNoNumberOfTheRows) {
  for (const Grouping grouping : kGroupings) {
    const Report plain = report(grouping, false);
    const Report split = report(grouping, true);
    EXPECT_FALSE(plain.breakdown);
    ASSERT_EQ(plain.rows.size(), split.rows.size());
    for (std::size_t i = 0; i < plain.rows.size(); ++i) {
      EXPECT_TRUE(plain.rows[i].breakdown.empty());
      EXPECT_EQ(plain.rows[i].keys, split.rows[i].keys);
      EXPECT_EQ(plain.rows[i].agent, split.rows[i].agent);
      EXPECT_EQ(plain.rows[i].model, split.rows[i].model);
      expect_same_totals(plain.rows[i].totals, split.rows[i].totals, plain.rows[i].model);
    }
    expect_same_totals(plain.totals, split.totals, "TOTAL");
  }
}

TEST_F(BreakdownTest, AWeekHoldsItsDaysShares) {
  // A model's share of a week is the sum of its shares of the week's days.
  const Report days = report(Grouping::day, true);
  const Report weeks = report(Grouping::week, true);
  std::int64_t week_requests = 0;
  std::int64_t day_requests = 0;
  for (const ReportRow& row : weeks.rows) {
    for (const ModelShare& share : row.breakdown) {
      week_requests += share.model == "gpt-5.5" ? share.totals.requests : 0;
    }
  }
  for (const ReportRow& row : days.rows) {
    for (const ModelShare& share : row.breakdown) {
      day_requests += share.model == "gpt-5.5" ? share.totals.requests : 0;
    }
  }
  EXPECT_GT(week_requests, 0);
  EXPECT_EQ(week_requests, day_requests);
  EXPECT_LT(weeks.rows.size(), days.rows.size());
}

}  // namespace
}  // namespace tally::analytics
