// Reports on constructed ledgers with known answers: day/week/month buckets in a zone, the
// summary's periods, the --speed standard what-if, and plan comparisons.

#include "analytics/rollup.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <cstdlib>
#include <fstream>
#include <filesystem>

#include <memory>

#include "analytics/plans_view.h"
#include "analytics/summary.h"
#include "core/time.h"
#include "pricing/factory.h"
#include "store/sqlite/sqlite_backend.h"

namespace tally::analytics {
namespace {

TimeMs at(const char* iso) { return *parse_iso8601(iso); }

UsageRecord make(const std::string& id, const char* ts, std::int64_t input, std::int64_t output,
                 const std::string& model = "claude-opus-4-8", Agent agent = Agent::claude,
                 const std::string& project = "/w/app") {
  UsageRecord r;
  r.id = id;
  r.agent = agent;
  r.ts = at(ts);
  r.session_id = "s-" + id;
  r.project = project;
  r.model = model;
  r.tokens.input = input;
  r.tokens.output = output;
  r.source_file = "/logs/x.jsonl";
  return r;
}

class RollupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ledger = store::open_sqlite_ledger(":memory:");
    ASSERT_TRUE(ledger) << ledger.error().message;
    ledger_ = std::move(*ledger);
    pricer_ = pricing::make_builtin_pricer();
  }

  void add(std::vector<UsageRecord> records) {
    store::WriteBatch batch;
    batch.cursor.path = "/logs/batch-" + std::to_string(batches_++);
    batch.records = std::move(records);
    std::vector<store::WriteBatch> batches;
    batches.push_back(std::move(batch));
    auto committed = ledger_->commit(batches, *pricer_);
    ASSERT_TRUE(committed) << committed.error().message;
  }

  std::unique_ptr<store::Ledger> ledger_;
  std::unique_ptr<pricing::Pricer> pricer_;
  int batches_ = 0;
};

TEST_F(RollupTest, DaysAreCalendarDaysInTheUsersZone) {
  // 03:30 UTC on the 21st is still the 20th in New York (UTC-5 in November).
  add({make("a", "2026-11-21T03:30:00Z", 100, 10), make("b", "2026-11-21T15:00:00Z", 200, 20)});
  auto ny = Zone::use("America/New_York");
  ASSERT_TRUE(ny);
  auto report = build_report(*ledger_, Grouping::day, {}, *ny);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->rows.size(), 2u);
  EXPECT_EQ(report->rows[0].keys[0].second, "2026-11-20");
  EXPECT_EQ(report->rows[0].totals.tokens.input, 100);
  EXPECT_EQ(report->rows[1].keys[0].second, "2026-11-21");
  EXPECT_EQ(report->totals.requests, 2);
  auto utc = Zone::use("UTC");
  ASSERT_TRUE(utc);
  auto same_day = build_report(*ledger_, Grouping::day, {}, *utc);
  ASSERT_TRUE(same_day);
  ASSERT_EQ(same_day->rows.size(), 1u);
  EXPECT_EQ(same_day->rows[0].totals.tokens.input, 300);
}

TEST_F(RollupTest, SinceAndUntilAreInclusiveLocalDays) {
  add({make("a", "2026-11-19T23:59:59Z", 1, 0), make("b", "2026-11-20T00:00:00Z", 2, 0),
       make("c", "2026-11-21T23:59:59Z", 4, 0), make("d", "2026-11-22T00:00:00Z", 8, 0)});
  auto utc = Zone::use("UTC");
  ASSERT_TRUE(utc);
  ReportQuery q;
  q.since = Date{2026, 11, 20};
  q.until = Date{2026, 11, 21};
  auto report = build_report(*ledger_, Grouping::model, q, *utc);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->totals.tokens.input, 6);
}

TEST_F(RollupTest, WeeksStartOnMondayAndMonthsGroup) {
  // 2026-11-22 is a Sunday, 2026-11-23 a Monday.
  add({make("a", "2026-11-22T12:00:00Z", 1, 0), make("b", "2026-11-23T12:00:00Z", 2, 0),
       make("c", "2026-12-01T12:00:00Z", 4, 0)});
  auto utc = Zone::use("UTC");
  ASSERT_TRUE(utc);
  auto weeks = build_report(*ledger_, Grouping::week, {}, *utc);
  ASSERT_TRUE(weeks);
  ASSERT_EQ(weeks->rows.size(), 3u);  // 2026-12-01 is a Tuesday: the week of 11-30
  EXPECT_EQ(weeks->rows[0].keys[0].second, "2026-11-16");
  EXPECT_EQ(weeks->rows[1].keys[0].second, "2026-11-23");
  EXPECT_EQ(weeks->rows[1].totals.tokens.input, 2);
  EXPECT_EQ(weeks->rows[2].keys[0].second, "2026-11-30");
  auto months = build_report(*ledger_, Grouping::month, {}, *utc);
  ASSERT_TRUE(months);
  ASSERT_EQ(months->rows.size(), 2u);
  EXPECT_EQ(months->rows[0].keys[0].second, "2026-11");
  EXPECT_EQ(months->rows[1].keys[0].second, "2026-12");
}

TEST_F(RollupTest, StandardSpeedWhatIfRepricesFastAndPriorityOnly) {
  // claude-opus-4-8: $5/$25 per MTok, fast mode 2x since 2026-07-01.
  UsageRecord fast = make("fast", "2026-11-20T10:00:00Z", 1000000, 0);
  fast.speed = "fast";
  UsageRecord normal = make("normal", "2026-11-20T11:00:00Z", 1000000, 0);
  add({fast, normal});
  auto utc = Zone::use("UTC");
  ASSERT_TRUE(utc);
  auto actual = build_report(*ledger_, Grouping::model, {}, *utc);
  ASSERT_TRUE(actual);
  EXPECT_NEAR(actual->totals.cost_usd, 10.0 + 5.0, 1e-9);
  ReportQuery what_if;
  what_if.standard_speed = true;
  auto standard = build_report(*ledger_, Grouping::model, what_if, *utc);
  ASSERT_TRUE(standard);
  EXPECT_NEAR(standard->totals.cost_usd, 5.0 + 5.0, 1e-9);
  EXPECT_FALSE(standard->notes.empty());
}

TEST_F(RollupTest, UnpricedRowsAreMarkedAndWarned) {
  add({make("a", "2026-11-20T10:00:00Z", 100, 10, "gpt-6-sol", Agent::codex)});
  auto utc = Zone::use("UTC");
  ASSERT_TRUE(utc);
  auto report = build_report(*ledger_, Grouping::day, {}, *utc);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->rows[0].totals.cost_source, CostSource::unpriced);
  EXPECT_EQ(report->totals.cost_source, CostSource::unpriced);
  // build_report warns from its own rows; add_warnings adds only problems here.
  ASSERT_TRUE(add_warnings(*ledger_, {}, {}, *report, /*pricing=*/false));
  ASSERT_EQ(report->warnings.size(), 1u);
  EXPECT_EQ(report->warnings[0].kind, "unpriced-model");
  EXPECT_NE(report->warnings[0].message.find("gpt-6-sol"), std::string::npos);
}

TEST_F(RollupTest, SummaryPeriodsCountFromNowInTheZone) {
  add({make("today", "2026-11-23T09:00:00Z", 1, 0), make("yesterday", "2026-11-22T09:00:00Z", 2, 0),
       make("week", "2026-11-17T09:00:00Z", 4, 0), make("month", "2026-10-25T09:00:00Z", 8, 0),
       make("older", "2026-10-24T09:00:00Z", 16, 0)});
  auto utc = Zone::use("UTC");
  ASSERT_TRUE(utc);
  auto s = build_summary(*ledger_, {}, *utc, at("2026-11-23T12:00:00Z"));
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->periods.rows.size(), 7u);
  EXPECT_EQ(s->periods.rows[0].totals.tokens.input, 1);              // today
  EXPECT_EQ(s->periods.rows[1].totals.tokens.input, 2);              // yesterday to 12:00
  EXPECT_EQ(s->periods.rows[2].totals.tokens.input, 2);              // yesterday
  EXPECT_EQ(s->periods.rows[3].totals.tokens.input, 1 + 2 + 4);      // month to date
  EXPECT_EQ(s->periods.rows[4].totals.tokens.input, 1);              // last 24 h
  EXPECT_EQ(s->periods.rows[5].totals.tokens.input, 1 + 2 + 4);      // from 16 Nov 12:00
  EXPECT_EQ(s->periods.rows[6].totals.tokens.input, 1 + 2 + 4 + 8);  // from 24 Oct 12:00
  EXPECT_FALSE(s->periods.show_totals);
  // The month so far plus 7 days to go (from 12:00 on the 23rd to the 30th's end: 7.5
  // days) at the last 7 d's pace.
  ASSERT_TRUE(s->month);
  EXPECT_EQ(format_date(s->month->last), "2026-11-30");
  EXPECT_DOUBLE_EQ(s->month->remaining_days, 7.5);
  EXPECT_DOUBLE_EQ(s->month->pace_usd_per_day, s->periods.rows[5].totals.cost_usd / 7);
  EXPECT_DOUBLE_EQ(s->month->projected_usd,
                   s->periods.rows[3].totals.cost_usd + s->month->pace_usd_per_day * 7.5);
}

// The monthly report's plan note (a claude-max-20x plan, UTC) as of `now`: notes[1], after
// the report's own note.
std::string plan_note(store::Ledger& ledger, const char* now) {
  auto utc = Zone::use("UTC");
  EXPECT_TRUE(utc);
  auto plans = pricing::parse_plans_config("plan = \"claude-max-20x\"\n", "test");
  EXPECT_TRUE(plans) << plans.error().message;
  auto report = build_report(ledger, Grouping::month, {}, *utc);
  EXPECT_TRUE(report);
  EXPECT_TRUE(add_monthly_plan_notes(ledger, *plans, {}, *utc, at(now), *report));
  EXPECT_EQ(report->notes.size(), 2u);
  return report->notes.size() == 2 ? report->notes[1] : std::string();
}

TEST_F(RollupTest, PlanNotesCompareApiEquivalentWithTheProratedPlan) {
  // $5 per MTok input: 40 MTok = $200 in November, exactly one month of a $200 plan.
  add({make("a", "2026-11-10T10:00:00Z", 40000000, 0)});
  const std::string note = plan_note(*ledger_, "2026-12-06T12:00:00Z");
  EXPECT_NE(note.find("2026-11 API-equivalent $200.00 vs plan $200.00 = 1.0x"), std::string::npos)
      << note;
}

// Issue 17: the month in progress is compared to date, against the plan prorated to its
// days so far, not against a whole month's price.
TEST_F(RollupTest, TheMonthInProgressIsComparedToDate) {
  // $5 per MTok input: 8 MTok = $40 in the first 6 days of a 30-day month = $40 of plan.
  add({make("a", "2026-11-03T10:00:00Z", 8000000, 0)});
  const std::string note = plan_note(*ledger_, "2026-11-06T12:00:00Z");
  EXPECT_NE(note.find("2026-11 to date (6 days) API-equivalent $40.00 vs plan $40.00 = 1.0x"),
            std::string::npos)
      << note;
}

TEST_F(RollupTest, WorktreesRollIntoTheirRepositoryAsOneProject) {
  if (std::system("git --version >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "SKIPPED: no git on PATH; worktree roll-up was NOT checked";
  }
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / fmt::format("tally-rollup-wt-{}", ::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "repo");
  const std::string repo = (dir / "repo").string();
  const std::string git = fmt::format("git -C '{}' -c user.name=t -c user.email=t@t ", repo);
  std::ofstream(dir / "repo/a.txt") << "a\n";
  ASSERT_EQ(std::system((git + "init -q && " + git + "add a.txt && " + git + "commit -qm one && " +
                         git + "worktree add -q .worktrees/wt4 >/dev/null 2>&1")
                            .c_str()),
            0);
  add({make("main", "2026-11-23T09:00:00Z", 1, 0, "claude-opus-4-8", Agent::claude, repo),
       make("wt", "2026-11-23T10:00:00Z", 2, 0, "claude-opus-4-8", Agent::codex,
            repo + "/.worktrees/wt4"),
       make("other", "2026-11-23T11:00:00Z", 4, 0, "claude-opus-4-8", Agent::claude, "/w/else")});
  auto utc = Zone::use("UTC");
  ASSERT_TRUE(utc);
  auto report = build_report(*ledger_, Grouping::project, {}, *utc);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->rows.size(), 2u);
  const ReportRow& r = report->rows[0].keys[0].second == repo ? report->rows[0] : report->rows[1];
  EXPECT_EQ(r.keys[0].second, repo);
  EXPECT_EQ(r.totals.tokens.input, 3);  // the main checkout and the worktree
  EXPECT_EQ(r.agent, "claude,codex");
  ASSERT_EQ(r.keys.size(), 2u);
  EXPECT_EQ(r.keys[1], (std::pair<std::string, std::string>{"worktrees", repo + "/.worktrees/wt4"}));
  EXPECT_EQ(report->table_keys, (std::vector<std::string>{"project"}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tally::analytics
