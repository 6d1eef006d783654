// The dashboard's data on constructed ledgers with known answers: 30 local days with the
// empty ones kept, cost per day and model agreeing with the day and model reports, the
// "other" folds, and sessions in flight as hourly peaks (including a session already in
// flight when the timeline starts).

#include "analytics/dashboard.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <memory>
#include <numeric>

#include "core/time.h"
#include "pricing/factory.h"
#include "render/dashboard_page.h"
#include "store/sqlite/sqlite_backend.h"

namespace tally::analytics {
namespace {

TimeMs at(const char* iso) { return *parse_iso8601(iso); }

UsageRecord make(const std::string& id, const char* ts, const std::string& model,
                 const std::string& project, const std::string& session = "") {
  UsageRecord r;
  r.id = id;
  r.agent = Agent::claude;
  r.ts = at(ts);
  r.session_id = session.empty() ? "s-" + id : session;
  r.project = project;
  r.model = model;
  r.tokens.input = 1000;
  r.tokens.output = 100;
  r.source_file = "/logs/x.jsonl";
  return r;
}

class DashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ledger = store::open_sqlite_ledger(":memory:");
    ASSERT_TRUE(ledger) << ledger.error().message;
    ledger_ = std::move(*ledger);
    pricer_ = pricing::make_builtin_pricer();
    auto utc = Zone::use("UTC");
    ASSERT_TRUE(utc);
    zone_.emplace(*utc);
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

  Dashboard build(const DashboardOptions& options = {}) {
    // The summary's default: the 30 calendar days ending today.
    const Date last = zone_->local_date(now_);
    const Date first = civil_from_days(days_from_civil(last) - 29);
    const Period main = calendar_period(*zone_, first, last, now_, "30 days");
    auto d = build_dashboard(*ledger_, {}, *zone_, first, last, main, options);
    EXPECT_TRUE(d) << d.error().message;
    return d ? *d : Dashboard{};
  }

  std::unique_ptr<store::Ledger> ledger_;
  std::unique_ptr<pricing::Pricer> pricer_;
  std::optional<Zone> zone_;
  TimeMs now_ = at("2026-11-23T12:00:00Z");
  int batches_ = 0;
};

TEST_F(DashboardTest, DailyCostCoversThirtyDaysAndMatchesTheReports) {
  add({make("a", "2026-11-23T09:00:00Z", "claude-opus-4-8", "/w/one"),
       make("b", "2026-11-23T10:00:00Z", "claude-sonnet-5", "/w/two"),
       make("c", "2026-11-20T10:00:00Z", "claude-opus-4-8", "/w/one"),
       make("d", "2026-10-25T00:10:00Z", "claude-opus-4-5", "/w/three"),
       // Outside the 30 days: the day before the first, and tomorrow.
       make("old", "2026-10-24T23:50:00Z", "claude-opus-4-8", "/w/one"),
       make("future", "2026-11-24T01:00:00Z", "claude-opus-4-8", "/w/one")});
  const Dashboard d = build();
  ASSERT_EQ(d.daily.days.size(), 30u);
  EXPECT_EQ(format_date(d.first_day), "2026-10-25");
  EXPECT_EQ(format_date(d.last_day), "2026-11-23");
  EXPECT_EQ(d.daily.days.front(), d.first_day);
  EXPECT_EQ(d.daily.days.back(), d.last_day);
  ASSERT_EQ(d.daily.models.size(), 3u);
  ASSERT_EQ(d.daily.usd.size(), 30u);
  EXPECT_EQ(d.totals.requests, 4);

  // Every day's bar equals the day report's cost; every model's series the model report's.
  ReportQuery range;
  range.since = d.first_day;
  range.until = d.last_day;
  auto days = build_report(*ledger_, Grouping::day, range, *zone_);
  ASSERT_TRUE(days) << days.error().message;
  ASSERT_EQ(days->rows.size(), 3u);
  std::size_t days_with_cost = 0;
  for (std::size_t i = 0; i < d.daily.days.size(); ++i) {
    const double sum = std::accumulate(d.daily.usd[i].begin(), d.daily.usd[i].end(), 0.0);
    double want = 0;
    for (const ReportRow& row : days->rows) {
      if (row.keys[0].second == format_date(d.daily.days[i])) {
        want = row.totals.cost_usd;
      }
    }
    EXPECT_NEAR(sum, want, 1e-9) << format_date(d.daily.days[i]);
    days_with_cost += sum > 0 ? 1 : 0;
  }
  EXPECT_EQ(days_with_cost, 3u);
  auto models = build_report(*ledger_, Grouping::model, range, *zone_);
  ASSERT_TRUE(models);
  for (std::size_t m = 0; m < d.daily.models.size(); ++m) {
    double sum = 0;
    for (const auto& day : d.daily.usd) {
      sum += day[m];
    }
    ASSERT_LT(m, models->rows.size());
    // Both are ordered by cost, most expensive first.
    EXPECT_EQ(d.daily.models[m], models->rows[m].model);
    EXPECT_NEAR(sum, models->rows[m].totals.cost_usd, 1e-9);
    EXPECT_GT(sum, 0) << d.daily.models[m] << " must be priced for this test";
  }
  EXPECT_NEAR(d.totals.cost_usd, days->totals.cost_usd, 1e-9);
}

// Issue 17: a model with no price draws no bar; the chart's legend and a note say which
// model and which days are short.
TEST_F(DashboardTest, UnpricedModelsAndDaysAreMarked) {
  add({make("a", "2026-11-23T09:00:00Z", "claude-opus-4-8", "/w/one"),
       make("b", "2026-11-21T10:00:00Z", "gpt-nobody-knows", "/w/one"),
       make("c", "2026-11-20T10:00:00Z", "claude-opus-4-8", "/w/one")});
  const Dashboard d = build();
  ASSERT_EQ(d.daily.unpriced_requests.size(), d.daily.days.size());
  ASSERT_EQ(d.daily.unpriced_model.size(), d.daily.models.size());
  for (std::size_t i = 0; i < d.daily.days.size(); ++i) {
    EXPECT_EQ(d.daily.unpriced_requests[i], format_date(d.daily.days[i]) == "2026-11-21" ? 1 : 0)
        << format_date(d.daily.days[i]);
  }
  for (std::size_t m = 0; m < d.daily.models.size(); ++m) {
    EXPECT_EQ(d.daily.unpriced_model[m], d.daily.models[m] == "gpt-nobody-knows");
  }
  const std::string page = render::dashboard_page(Summary{}, d, *zone_, false);
  EXPECT_NE(page.find("gpt-nobody-knows ? (no price: counts $0)"), std::string::npos);
  EXPECT_NE(page.find("? partial days (requests with no price count $0, so their bars are "
                      "short): 2026-11-21</p>"),
            std::string::npos);
  EXPECT_EQ(page.find("claude-opus-4-8 ?"), std::string::npos);
}

TEST_F(DashboardTest, FoldsModelsAndProjectsPastTheTopIntoOther) {
  std::vector<UsageRecord> records;
  const char* models[] = {"claude-opus-4-8", "claude-sonnet-5", "claude-opus-4-5"};
  for (int i = 0; i < 5; ++i) {
    // Project i gets i + 1 records, so the order by cost is p4, p3, p2, p1, p0.
    for (int k = 0; k <= i; ++k) {
      records.push_back(make(fmt::format("r{}-{}", i, k), "2026-11-22T10:00:00Z",
                             models[(i + k) % 3], fmt::format("/w/p{}", i)));
    }
  }
  add(std::move(records));
  DashboardOptions options;
  options.top_models = 2;
  options.top_projects = 3;
  const Dashboard d = build(options);
  ASSERT_EQ(d.daily.models.size(), 3u);
  EXPECT_EQ(d.daily.models[2], kOtherSeries);
  ASSERT_EQ(d.projects.size(), 4u);
  EXPECT_EQ(d.projects[0].project, "/w/p4");
  EXPECT_EQ(d.projects[1].project, "/w/p3");
  EXPECT_EQ(d.projects[2].project, "/w/p2");
  EXPECT_TRUE(d.projects[3].other);
  double projects_sum = 0;
  for (const ProjectCost& p : d.projects) {
    projects_sum += p.usd;
  }
  double day_sum = 0;
  ASSERT_EQ(format_date(d.daily.days[28]), "2026-11-22");
  for (const double v : d.daily.usd[28]) {
    day_sum += v;
  }
  // Nothing is lost to the folds: the projects and the day's stack both hold every dollar.
  EXPECT_NEAR(projects_sum, d.totals.cost_usd, 1e-9);
  EXPECT_NEAR(day_sum, d.totals.cost_usd, 1e-9);
  EXPECT_EQ(d.projects[3].tokens, 3 * 1100);  // p1 and p0: 2 + 1 records
}

TEST_F(DashboardTest, NoOtherWhenEverythingFits) {
  add({make("a", "2026-11-22T10:00:00Z", "claude-opus-4-8", "/w/a")});
  const Dashboard d = build();
  ASSERT_EQ(d.projects.size(), 1u);
  EXPECT_FALSE(d.projects[0].other);
  EXPECT_EQ(d.daily.models, std::vector<std::string>{"claude-opus-4-8"});
}

TEST_F(DashboardTest, ConcurrencyIsThePeakPerHourOverSevenDays) {
  add({// Two sessions overlapping in the 10:00 hour of 11-22.
       make("a1", "2026-11-22T10:00:00Z", "claude-opus-4-8", "/w/a", "A"),
       make("a2", "2026-11-22T10:05:00Z", "claude-opus-4-8", "/w/a", "A"),
       make("b1", "2026-11-22T10:02:00Z", "claude-opus-4-8", "/w/b", "B"),
       make("b2", "2026-11-22T10:30:00Z", "claude-opus-4-8", "/w/b", "B"),
       // One event at 03:00 on 11-23.
       make("c1", "2026-11-23T03:00:00Z", "claude-opus-4-8", "/w/c", "C"),
       // In flight across the timeline's start (11-17 00:00): events 10 minutes apart.
       make("e1", "2026-11-16T23:55:00Z", "claude-opus-4-8", "/w/e", "E"),
       make("e2", "2026-11-17T00:05:00Z", "claude-opus-4-8", "/w/e", "E")});
  const Dashboard d = build();
  ASSERT_EQ(d.hours.size(), 7u * 24u);
  EXPECT_EQ(d.hours.front().start, at("2026-11-17T00:00:00Z"));
  EXPECT_EQ(d.timeline_days, 7);
  auto hour = [&](const char* iso) -> std::int64_t {
    for (const HourPeak& h : d.hours) {
      if (h.start == at(iso)) {
        return h.sessions;
      }
    }
    ADD_FAILURE() << "no hour " << iso;
    return -1;
  };
  EXPECT_EQ(hour("2026-11-17T00:00:00Z"), 1);
  EXPECT_EQ(hour("2026-11-22T10:00:00Z"), 2);
  EXPECT_EQ(hour("2026-11-23T03:00:00Z"), 1);
  EXPECT_EQ(d.peak_sessions, 2);
  std::int64_t busy_hours = 0;
  for (const HourPeak& h : d.hours) {
    busy_hours += h.sessions > 0 ? 1 : 0;
  }
  EXPECT_EQ(busy_hours, 3);
}

TEST_F(DashboardTest, AnEmptyLedgerGivesEmptySeries) {
  const Dashboard d = build();
  EXPECT_EQ(d.daily.days.size(), 30u);
  EXPECT_TRUE(d.daily.models.empty());
  EXPECT_TRUE(d.projects.empty());
  EXPECT_EQ(d.peak_sessions, 0);
  EXPECT_EQ(d.hours.size(), 7u * 24u);
}

}  // namespace
}  // namespace tally::analytics
