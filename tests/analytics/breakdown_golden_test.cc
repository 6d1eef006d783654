// Golden files of `tally daily --breakdown` in every format (tests/golden/breakdown.*): a
// constructed ledger (three agents, a model priced from the agent's own figure, one with no
// price at all, a day that is two days in UTC) through build_report and each renderer.
// TALLY_UPDATE_GOLDEN=1 rewrites the files (see tests/golden/README.md); review the diff.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "../store/test_ledger_support.h"
#include "analytics/rollup.h"
#include "core/time.h"
#include "render/renderer.h"
#include "store/sqlite/sqlite_backend.h"
#include "support/golden.h"

namespace tally::render {
namespace {

class BreakdownGoldenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ledger = store::open_sqlite_ledger(":memory:");
    ASSERT_TRUE(ledger) << ledger.error().message;
    ledger_ = std::move(*ledger);
    auto zone = Zone::use("Europe/Berlin");
    ASSERT_TRUE(zone);
    zone_.emplace(*zone);
    std::vector<UsageRecord> records;
    auto add = [&](const char* ts, Agent agent, const std::string& model, std::int64_t input,
                   std::int64_t output, std::optional<double> reported = std::nullopt) {
      UsageRecord r = store::test::record("r" + std::to_string(records.size()),
                                          *parse_iso8601(ts), input, output, "s1", model);
      r.agent = agent;
      r.reported_cost_usd = reported;
      records.push_back(r);
    };
    // 2026-11-21 in Berlin: 23:30 UTC on the 20th is already the 21st there.
    add("2026-11-20T23:30:00Z", Agent::claude, "opus", 1200, 300);
    add("2026-11-21T09:00:00Z", Agent::claude, "opus", 800, 150);
    add("2026-11-21T09:05:00Z", Agent::claude, "sonnet", 400, 80);
    add("2026-11-21T10:00:00Z", Agent::codex, "gpt-5.5", 2500, 90);
    // The FakePricer knows no "unknown*" model: this one takes the agent's figure ...
    add("2026-11-21T11:00:00Z", Agent::claude, "unknown-opus-9", 100, 10, 0.4321);
    // ... and this one has none: unpriced, never $0.
    add("2026-11-22T08:00:00Z", Agent::gemini, "unknown-flash", 5000, 200);
    add("2026-11-22T08:30:00Z", Agent::claude, "sonnet", 300, 40);
    add("2026-11-22T09:00:00Z", Agent::codex, "gpt-5.5", 700, 20);
    store::WriteBatch batch;
    batch.cursor.path = "/logs/breakdown";
    batch.records = std::move(records);
    std::vector<store::WriteBatch> batches;
    batches.push_back(std::move(batch));
    auto committed = ledger_->commit(batches, pricer_);
    ASSERT_TRUE(committed) << committed.error().message;
  }
  void TearDown() override { ASSERT_TRUE(Zone::use("UTC")); }

  std::string render(Format format, RenderOptions options = {}) {
    analytics::ReportQuery query;
    query.breakdown = true;
    auto report = analytics::build_report(*ledger_, analytics::Grouping::day, query, *zone_);
    EXPECT_TRUE(report) << report.error().message;
    std::string out;
    if (report) {
      make_renderer(format, options)->render(*report, out);
    }
    return out;
  }

  std::unique_ptr<store::Ledger> ledger_;
  store::test::FakePricer pricer_{"fake-1", 0.0001};
  std::optional<Zone> zone_;
};

TEST_F(BreakdownGoldenTest, EveryFormat) {
  for (const Format f : {Format::table, Format::json, Format::csv, Format::html}) {
    tally::test::expect_golden("breakdown." + std::string(format_name(f)), render(f));
  }
}

TEST_F(BreakdownGoldenTest, EightyColumns) {
  RenderOptions narrow;
  narrow.width = 80;
  tally::test::expect_golden("breakdown_narrow.table", render(Format::table, narrow));
}

}  // namespace
}  // namespace tally::render
