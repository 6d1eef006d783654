// Golden tests of the time views (summary, windows, blocks, concurrency): table, JSON and CSV
// rendered from constructed ledgers and events with a fixed `now`, compared byte for byte
// with tests/golden/views_<view>.<format>. TALLY_UPDATE_GOLDEN=1 rewrites the files (see
// tests/golden/README.md); review the diff.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include "../store/test_ledger_support.h"
#include "analytics/blocks.h"
#include "analytics/concurrency.h"
#include "analytics/summary.h"
#include "analytics/windows.h"
#include "core/time.h"
#include "render/views.h"
#include "store/sqlite/sqlite_backend.h"
#include "support/golden.h"

namespace tally::render {
namespace {

TimeMs at(const char* iso) { return *parse_iso8601(iso); }
constexpr TimeMs kMinute = 60 * 1000;
constexpr TimeMs kHour = 60 * kMinute;

const TimeMs kNow = at("2026-11-20T14:07:00Z");

class ViewsGoldenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ledger = store::open_sqlite_ledger(":memory:");
    ASSERT_TRUE(ledger) << ledger.error().message;
    ledger_ = std::move(*ledger);
    auto zone = Zone::use("Europe/Berlin");
    ASSERT_TRUE(zone);
    zone_.emplace(*zone);
    // A month of usage: two models, two projects, a peak day, and some of today.
    std::vector<UsageRecord> records;
    int n = 0;
    auto add = [&](TimeMs ts, std::int64_t input, std::int64_t output, const std::string& model,
                   const std::string& session, const std::string& project) {
      UsageRecord r =
          store::test::record("r" + std::to_string(n++), ts, input, output, session, model);
      r.project = project;
      records.push_back(r);
    };
    for (int d = 0; d < 30; d += 3) {
      const TimeMs day = kNow - d * 24 * kHour;
      add(day - 2 * kHour, 100 + d, 10, "opus", "s-day" + std::to_string(d), "/w/app");
      add(day - 90 * kMinute, 50, 5, "sonnet", "s-day" + std::to_string(d), "/w/app");
    }
    add(kNow - 5 * 24 * kHour, 2000, 100, "opus", "s-peak", "/w/api");  // the peak day
    add(kNow - 20 * kMinute, 300, 30, "sonnet", "s-now", "/w/api");
    add(kNow - 24 * kHour - 30 * kMinute, 70, 7, "opus", "s-yday", "/w/api");
    // Sessions overlapping in two projects; s-sub ends (13:47) exactly as s-now starts, so
    // those two do not overlap.
    for (const TimeMs back : {40 * kMinute, 25 * kMinute, 10 * kMinute}) {
      add(kNow - back, 20, 2, "sonnet", "s-par", "/w/app");
    }
    add(kNow - 21 * kMinute, 10, 1, "opus", "s-sub", "/w/api");
    store::WriteBatch batch;
    batch.cursor.path = "/logs/views";
    batch.records = std::move(records);
    std::vector<store::WriteBatch> batches;
    batches.push_back(std::move(batch));
    auto committed = ledger_->commit(batches, pricer_);
    ASSERT_TRUE(committed) << committed.error().message;
  }
  void TearDown() override { ASSERT_TRUE(Zone::use("UTC")); }

  std::unique_ptr<store::Ledger> ledger_;
  store::test::FakePricer pricer_{"fake-1", 0.01};
  std::optional<Zone> zone_;
};

constexpr render::Format kFormats[] = {render::Format::table, render::Format::json,
                                       render::Format::csv};

std::string extension(render::Format f) { return std::string(render::format_name(f)); }

TEST_F(ViewsGoldenTest, Summary) {
  auto s = analytics::build_summary(*ledger_, {}, *zone_, kNow);
  ASSERT_TRUE(s) << s.error().message;
  for (const render::Format f : kFormats) {
    tally::test::expect_golden("views_summary." + extension(f), render_summary(*s, *zone_, f, {}));
  }
  render::RenderOptions narrow;
  narrow.width = 60;
  tally::test::expect_golden("views_summary_narrow.table",
                             render_summary(*s, *zone_, render::Format::table, narrow));
}

TEST_F(ViewsGoldenTest, Windows) {
  auto specs = analytics::parse_windows("5h,24h,7d,30d");
  ASSERT_TRUE(specs);
  auto w = analytics::build_windows(*ledger_, {}, *specs, kNow);
  ASSERT_TRUE(w) << w.error().message;
  for (const render::Format f : kFormats) {
    tally::test::expect_golden("views_windows." + extension(f),
                               render_windows(*w, kNow, *zone_, f, {}));
  }
}

TEST_F(ViewsGoldenTest, Blocks) {
  auto events = ledger_->events({});
  ASSERT_TRUE(events) << events.error().message;
  const std::vector<analytics::Block> blocks = analytics::build_blocks(*events, kNow);
  for (const render::Format f : kFormats) {
    tally::test::expect_golden("views_blocks." + extension(f),
                               render_blocks(blocks, kNow, *zone_, f, {}));
  }
}

TEST_F(ViewsGoldenTest, Concurrency) {
  auto events = ledger_->events({});
  ASSERT_TRUE(events) << events.error().message;
  const analytics::ConcurrencySummary s = analytics::summarize_concurrency(
      analytics::concurrency_timeline(*events, 15 * kMinute), *zone_, 3);
  for (const render::Format f : kFormats) {
    tally::test::expect_golden("views_concurrency." + extension(f),
                               render_concurrency(s, 15 * kMinute, *zone_, f, {}));
  }
}

}  // namespace
}  // namespace tally::render
