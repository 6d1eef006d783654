// Rolling windows and the summary's new parts on constructed ledgers with known answers.
// Prices come from the store tests' FakePricer: $1 per input token, $10 per output token.

#include "analytics/windows.h"

#include <gtest/gtest.h>

#include <memory>

#include "../store/test_ledger_support.h"
#include "analytics/summary.h"
#include "core/time.h"
#include "store/sqlite/sqlite_backend.h"

namespace tally::analytics {
namespace {

TimeMs at(const char* iso) { return *parse_iso8601(iso); }
constexpr TimeMs kHour = 60LL * 60 * 1000;
constexpr TimeMs kDay = 24 * kHour;

class WindowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ledger = store::open_sqlite_ledger(":memory:");
    ASSERT_TRUE(ledger) << ledger.error().message;
    ledger_ = std::move(*ledger);
    ASSERT_TRUE(Zone::use("UTC"));
  }

  // One record of `input` input tokens ($1 each) at `ts`.
  void add(TimeMs ts, std::int64_t input, const std::string& model = "opus") {
    store::WriteBatch batch;
    batch.cursor.path = "/logs/batch-" + std::to_string(n_);
    batch.records.push_back(store::test::record("r" + std::to_string(n_), ts, input, 0,
                                                "s" + std::to_string(n_), model));
    ++n_;
    std::vector<store::WriteBatch> batches;
    batches.push_back(std::move(batch));
    auto committed = ledger_->commit(batches, pricer_);
    ASSERT_TRUE(committed) << committed.error().message;
  }

  std::unique_ptr<store::Ledger> ledger_;
  store::test::FakePricer pricer_;
  int n_ = 0;
};

TEST(ParseWindowsTest, AcceptsAnyWholeNumberOfUnits) {
  auto w = parse_windows("24h,7d,30d,90m,2w,10m");
  ASSERT_TRUE(w) << w.error().message;
  ASSERT_EQ(w->size(), 6u);
  EXPECT_EQ((*w)[5].duration, 10 * 60 * 1000);  // windows are exact: no 15-minute grain
  EXPECT_EQ((*w)[0].label, "24h");
  EXPECT_EQ((*w)[0].duration, kDay);
  EXPECT_EQ((*w)[1].duration, 7 * kDay);
  EXPECT_EQ((*w)[3].duration, 90 * 60 * 1000);
  EXPECT_EQ((*w)[4].duration, 14 * kDay);
}

TEST(ParseWindowsTest, RejectsBadLists) {
  for (const char* bad : {"", "5x", "h", "0h", "-5h", "24h,,7d", "24h,1d", "5h ", "1.5h"}) {
    auto w = parse_windows(bad);
    ASSERT_FALSE(w) << bad;
    EXPECT_EQ(w.error().code, Errc::invalid_argument) << bad;
  }
  auto idle = parse_duration("7m");  // a duration need not be whole buckets
  ASSERT_TRUE(idle);
  EXPECT_EQ(*idle, 7 * 60 * 1000);
}

TEST(WindowStartTest, IsExactlyTheDurationBeforeNow) {
  EXPECT_EQ(window_start(at("2026-11-20T12:07:00Z"), kDay), at("2026-11-19T12:07:00Z"));
  EXPECT_EQ(window_start(at("2026-11-20T12:14:59.999Z"), 5 * kHour),
            at("2026-11-20T07:14:59.999Z"));
}

TEST_F(WindowsTest, WindowsAreExactToTheMillisecond) {
  // Off the 15-minute grain on purpose: 12:07:31.250.
  const TimeMs now = at("2026-11-20T12:07:31.250Z");
  add(at("2026-11-19T12:07:31.250Z"), 1);       // the 24 h window's first instant
  add(at("2026-11-19T12:07:31.249Z"), 10);      // 1 ms before: the previous 24 h
  add(at("2026-11-19T12:00:00Z"), 20);          // same bucket as the start, before it
  add(at("2026-11-20T12:07:31.250Z"), 100);     // now itself: inside
  add(at("2026-11-20T12:07:31.251Z"), 100000);  // 1 ms after now (a clock ahead): outside
  add(at("2026-11-18T12:07:31.250Z"), 1000);    // the previous window's first instant
  add(at("2026-11-18T12:07:31.249Z"), 10000);   // before both
  auto specs = parse_windows("24h,2d");
  ASSERT_TRUE(specs);
  auto w = build_windows(*ledger_, {}, *specs, now);
  ASSERT_TRUE(w) << w.error().message;
  ASSERT_EQ(w->size(), 2u);
  EXPECT_EQ((*w)[0].since, at("2026-11-19T12:07:31.250Z"));
  EXPECT_EQ((*w)[0].until, now);
  EXPECT_EQ((*w)[0].totals.tokens.input, 101);
  EXPECT_EQ((*w)[0].totals.requests, 2);
  EXPECT_DOUBLE_EQ((*w)[0].totals.cost_usd, 101.0);
  EXPECT_EQ((*w)[0].previous.tokens.input, 1030);
  EXPECT_EQ((*w)[1].since, at("2026-11-18T12:07:31.250Z"));
  EXPECT_EQ((*w)[1].totals.tokens.input, 1131);
  EXPECT_EQ((*w)[1].previous.tokens.input, 10000);
}

// The summary's rows by name.
const ReportRow& row_named(const Summary& s, const std::string& name) {
  for (size_t i = 0; i < s.spans.size(); ++i) {
    if (s.spans[i].name == name) {
      return s.periods.rows.at(i);
    }
  }
  ADD_FAILURE() << "no period " << name;
  static const ReportRow none;
  return none;
}

TEST_F(WindowsTest, EmptyLedgerGivesZerosAndNoRatios) {
  auto s = build_summary(*ledger_, {}, *Zone::use("UTC"), at("2026-11-20T12:07:00Z"));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(row_named(*s, "last 30 d").totals.requests, 0);
  ASSERT_TRUE(s->rolling);
  EXPECT_FALSE(s->rolling->share_of_30d_cost);
  EXPECT_FALSE(s->rolling->ratio_to_previous_29d_tokens);
  EXPECT_EQ(s->daily.days.size(), 30u);
  EXPECT_TRUE(s->daily.models.empty());
  EXPECT_FALSE(s->daily.peak_cost_day);
  EXPECT_EQ(row_named(*s, "today").totals.requests, 0);
}

TEST_F(WindowsTest, OneDefinitionOfEveryPeriod) {
  const TimeMs now = at("2026-11-20T12:07:00Z");
  add(at("2026-10-21T12:06:59.999Z"), 1);  // 1 ms before the rolling 30 d
  add(at("2026-10-21T12:07:00Z"), 2);      // the rolling 30 d's first instant
  add(at("2026-10-22T00:00:00Z"), 4, "sonnet");
  add(at("2026-11-19T12:07:00Z"), 8);   // the rolling 24 h's first instant
  add(at("2026-11-20T00:00:00Z"), 16);  // today's first instant
  auto s = build_summary(*ledger_, {}, *Zone::use("UTC"), now);
  ASSERT_TRUE(s) << s.error().message;
  std::vector<std::string> names;
  for (const Period& p : s->spans) {
    names.push_back(p.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"today", "yesterday, same time", "yesterday",
                                             "month to date", "last 24 h", "last 7 d",
                                             "last 30 d"}));
  ASSERT_EQ(s->periods.rows.size(), 7u);
  // The calendar month from its first local midnight: 8 + 16 (Nov 19 and 20).
  EXPECT_EQ(row_named(*s, "month to date").totals.tokens.input, 24);
  EXPECT_EQ(row_named(*s, "month to date").keys[1].second, "2026-11-01T00:00:00.000Z");
  EXPECT_EQ(row_named(*s, "last 30 d").totals.tokens.input, 30);
  EXPECT_EQ(row_named(*s, "last 24 h").totals.tokens.input, 24);
  EXPECT_EQ(row_named(*s, "today").totals.tokens.input, 16);
  EXPECT_EQ(row_named(*s, "yesterday").totals.tokens.input, 8);
  // Each row carries its bounds, ISO-8601 UTC, until exclusive.
  const ReportRow& month = row_named(*s, "last 30 d");
  ASSERT_EQ(month.keys.size(), 3u);
  EXPECT_EQ(month.keys[1].second, "2026-10-21T12:07:00.000Z");
  EXPECT_EQ(month.keys[2].second, "2026-11-20T12:07:00.001Z");
  // The top models and projects cover the same "last 30 d": their totals are that row's.
  EXPECT_EQ(s->models.title, "Top models, last 30 d");
  EXPECT_EQ(s->models.totals.tokens.input, 30);
  EXPECT_DOUBLE_EQ(s->models.totals.cost_usd, month.totals.cost_usd);
  EXPECT_EQ(s->projects.totals.requests, month.totals.requests);
}

TEST_F(WindowsTest, LastDayShareOfThirtyDaysAndRatioToThePrevious29) {
  const TimeMs now = at("2026-11-20T12:07:00Z");
  add(now - kHour, 46);               // last 24 h
  add(now - 3 * kDay, 30, "sonnet");  // previous 29 d
  add(now - 20 * kDay, 24);           // previous 29 d
  add(now - 31 * kDay, 1000);         // outside 30 d
  auto s = build_summary(*ledger_, {}, *Zone::use("UTC"), now);
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_TRUE(s->rolling);
  const RollingSummary& r = *s->rolling;
  EXPECT_EQ(s->main.since, at("2026-10-21T12:07:00Z"));
  EXPECT_EQ(row_named(*s, "last 24 h").totals.tokens.input, 46);
  EXPECT_EQ(row_named(*s, "last 7 d").totals.tokens.input, 76);
  EXPECT_EQ(row_named(*s, "last 30 d").totals.tokens.input, 100);
  EXPECT_EQ(r.previous_29d.tokens.input, 54);
  ASSERT_TRUE(r.share_of_30d_cost);
  EXPECT_DOUBLE_EQ(*r.share_of_30d_cost, 0.46);
  EXPECT_DOUBLE_EQ(*r.ratio_to_previous_29d_cost, 46.0 / 54.0);
  EXPECT_DOUBLE_EQ(*r.share_of_30d_tokens, 0.46);
  // The chart: 30 calendar days ending today, the peak is today (46), models by cost.
  ASSERT_EQ(s->daily.days.size(), 30u);
  EXPECT_EQ(format_date(s->daily.days.back()), "2026-11-20");
  EXPECT_EQ(s->daily.models, (std::vector<std::string>{"opus", "sonnet"}));
  ASSERT_TRUE(s->daily.peak_cost_day);
  EXPECT_EQ(*s->daily.peak_cost_day, 29u);
  EXPECT_EQ(s->daily.values[26][1].tokens.input, 30);  // 2026-11-17, sonnet
}

TEST_F(WindowsTest, TodaySoFarAgainstYesterdayAtTheSameClockTime) {
  auto ny = Zone::use("America/New_York");
  ASSERT_TRUE(ny);
  // 2026-11-01 is the DST end in New York: 25 hours long. Now is Nov 1 10:00 EST (15:00Z);
  // yesterday (Oct 31, EDT) 10:00 is 14:00Z, 25 hours back.
  const TimeMs now = at("2026-11-01T15:00:00Z");
  add(at("2026-11-01T04:00:00Z"), 1);       // Nov 1 00:00 EDT: today's first instant
  add(at("2026-11-01T14:59:59.999Z"), 2);   // today, before now
  add(at("2026-10-31T13:59:59.999Z"), 10);  // yesterday 09:59:59.999 EDT: before 10:00
  add(at("2026-10-31T14:00:00Z"), 100);     // yesterday 10:00 EDT: not before 10:00
  auto s = build_summary(*ledger_, {}, *ny, now);
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->spans[1].name, "yesterday, same time");
  EXPECT_EQ(s->spans[1].until, at("2026-10-31T14:00:00Z"));
  EXPECT_EQ(row_named(*s, "today").totals.tokens.input, 3);
  EXPECT_EQ(row_named(*s, "yesterday, same time").totals.tokens.input, 10);
  EXPECT_EQ(row_named(*s, "yesterday").totals.tokens.input, 110);  // all of yesterday
  ASSERT_TRUE(Zone::use("UTC"));
}

TEST_F(WindowsTest, ARangeReplacesThePeriodsAndNamesItsDays) {
  const TimeMs now = at("2026-11-20T12:07:00Z");
  add(at("2026-10-31T23:59:59.999Z"), 1);
  add(at("2026-11-01T00:00:00Z"), 2);
  add(at("2026-11-10T23:59:59.999Z"), 4, "sonnet");
  add(at("2026-11-11T00:00:00Z"), 8);
  ReportQuery q;
  q.since = Date{2026, 11, 1};
  q.until = Date{2026, 11, 10};
  auto s = build_summary(*ledger_, q, *Zone::use("UTC"), now);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->range);
  EXPECT_FALSE(s->rolling);
  ASSERT_EQ(s->periods.rows.size(), 1u);
  EXPECT_EQ(s->spans[0].name, "2026-11-01 to 2026-11-10");
  EXPECT_EQ(s->periods.rows[0].totals.tokens.input, 6);
  EXPECT_EQ(s->models.title, "Top models, 2026-11-01 to 2026-11-10");
  EXPECT_EQ(s->models.totals.tokens.input, 6);
  ASSERT_EQ(s->daily.days.size(), 10u);
  EXPECT_EQ(format_date(s->daily.days.front()), "2026-11-01");
  EXPECT_EQ(format_date(s->daily.days.back()), "2026-11-10");
  // Open start: from the first record's day; a range ending today stops at now.
  ReportQuery open;
  open.until = Date{2026, 11, 20};
  auto o = build_summary(*ledger_, open, *Zone::use("UTC"), now);
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->spans[0].name, "until 2026-11-20");
  EXPECT_FALSE(o->spans[0].since);
  EXPECT_EQ(o->spans[0].until, now + 1);
  EXPECT_EQ(o->periods.rows[0].totals.tokens.input, 15);
  EXPECT_EQ(format_date(o->daily.days.front()), "2026-10-31");
}

TEST_F(WindowsTest, DailyChartDaysAreLocalAcrossTheDstChange) {
  auto berlin = Zone::use("Europe/Berlin");
  ASSERT_TRUE(berlin);
  // 2026-10-25 is 25 hours long in Berlin: 2026-10-24T22:00Z to 2026-10-25T23:00Z.
  add(at("2026-10-24T21:59:59.999Z"), 1);  // Oct 24, 23:59:59.999 CEST
  add(at("2026-10-24T22:00:00Z"), 10);     // Oct 25, 00:00 CEST
  add(at("2026-10-25T22:59:00Z"), 100);    // Oct 25, 23:59 CET
  add(at("2026-10-25T23:00:00Z"), 1000);   // Oct 26, 00:00 CET
  auto s = build_summary(*ledger_, {}, *berlin, at("2026-10-27T12:00:00Z"));
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->daily.days.size(), 30u);
  const size_t oct25 = 27;  // Sep 28 .. Oct 27
  ASSERT_EQ(format_date(s->daily.days[oct25]), "2026-10-25");
  EXPECT_EQ(s->daily.values[oct25 - 1][0].tokens.input, 1);
  EXPECT_EQ(s->daily.values[oct25][0].tokens.input, 110);
  EXPECT_EQ(s->daily.values[oct25 + 1][0].tokens.input, 1000);
  ASSERT_TRUE(Zone::use("UTC"));
}

TEST(FormatLocalTimeTest, UsesTheZonesOffset) {
  auto berlin = Zone::use("Europe/Berlin");
  ASSERT_TRUE(berlin);
  EXPECT_EQ(format_local_time(at("2026-11-20T23:30:00Z"), *berlin), "2026-11-21 00:30");
  EXPECT_EQ(format_local_time(at("2026-07-01T10:05:00Z"), *berlin), "2026-07-01 12:05");
  ASSERT_TRUE(Zone::use("UTC"));
}

}  // namespace
}  // namespace tally::analytics
