// Sessions in flight on constructed events with known answers (analytics/concurrency.h).

#include "analytics/concurrency.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace tally::analytics {
namespace {

TimeMs at(const char* iso) { return *parse_iso8601(iso); }
constexpr TimeMs kMinute = 60 * 1000;

store::UsageEvent event(const std::string& session, const char* ts,
                        const std::string& project = "/a") {
  store::UsageEvent e;
  e.ts = at(ts);
  e.session_id = session;
  e.root_session = session;
  e.project = project;
  return e;
}

Zone utc() { return *Zone::use("UTC"); }

TEST(ConcurrencyTest, EmptyLedgerHasNoTimeline) {
  const ConcurrencyTimeline t = concurrency_timeline({}, kDefaultIdleLimitMs);
  EXPECT_TRUE(t.steps.empty());
  EXPECT_TRUE(t.spans.empty());
  const ConcurrencySummary s = summarize_concurrency(t, utc());
  EXPECT_EQ(s.max_in_flight, 0);
  EXPECT_TRUE(s.days.empty());
  EXPECT_TRUE(s.projects.empty());
  EXPECT_TRUE(s.busiest_hours.empty());
}

TEST(ConcurrencyTest, EachEventKeepsItsSessionInFlightForAMinute) {
  const ConcurrencyTimeline t = concurrency_timeline(
      {event("s", "2026-11-20T10:10:00Z"), event("s", "2026-11-20T10:00:00Z")}, 15 * kMinute);
  ASSERT_EQ(t.spans.size(), 1u);
  EXPECT_EQ(t.spans[0].start, at("2026-11-20T10:00:00Z"));
  EXPECT_EQ(t.spans[0].end, at("2026-11-20T10:11:00Z"));
  EXPECT_EQ(t.spans[0].events, 2);
  ASSERT_EQ(t.steps.size(), 2u);
  EXPECT_EQ(t.steps[0].ts, at("2026-11-20T10:00:00Z"));
  EXPECT_EQ(t.steps[0].sessions, 1);
  EXPECT_EQ(t.steps[1].ts, at("2026-11-20T10:11:00Z"));
  EXPECT_EQ(t.steps[1].sessions, 0);
}

TEST(ConcurrencyTest, AGapOfExactlyTheIdleLimitDoesNotSplit) {
  const ConcurrencyTimeline same = concurrency_timeline(
      {event("s", "2026-11-20T10:00:00Z"), event("s", "2026-11-20T10:15:00Z")}, 15 * kMinute);
  ASSERT_EQ(same.spans.size(), 1u);
  EXPECT_EQ(same.spans[0].end, at("2026-11-20T10:16:00Z"));

  const ConcurrencyTimeline split = concurrency_timeline(
      {event("s", "2026-11-20T10:00:00Z"), event("s", "2026-11-20T10:15:00.001Z")}, 15 * kMinute);
  ASSERT_EQ(split.spans.size(), 2u);
  EXPECT_EQ(split.spans[0].end, at("2026-11-20T10:01:00Z"));
  EXPECT_EQ(split.spans[1].start, at("2026-11-20T10:15:00.001Z"));
  // Two stretches of one session never overlap: at most one in flight.
  EXPECT_EQ(summarize_concurrency(split, utc()).max_in_flight, 1);
  EXPECT_EQ(summarize_concurrency(split, utc()).days[0].sessions, 1);
}

TEST(ConcurrencyTest, OverlappingSessionsInTwoProjects) {
  // A: [10:00, 10:31) in /a; its sub-agent C: [10:05, 10:07) in /a, its own session;
  // B: [10:20, 11:01) in /b.
  const std::vector<store::UsageEvent> events = {
      event("A", "2026-11-20T10:00:00Z"),       event("A", "2026-11-20T10:10:00Z"),
      event("A", "2026-11-20T10:20:00Z"),       event("A", "2026-11-20T10:30:00Z"),
      event("C", "2026-11-20T10:05:00Z"),       event("C", "2026-11-20T10:06:00Z"),
      event("B", "2026-11-20T10:20:00Z", "/b"), event("B", "2026-11-20T10:35:00Z", "/b"),
      event("B", "2026-11-20T10:50:00Z", "/b"), event("B", "2026-11-20T11:00:00Z", "/b")};
  const ConcurrencyTimeline t = concurrency_timeline(events, 15 * kMinute);
  const std::vector<std::pair<const char*, std::int64_t>> want = {
      {"2026-11-20T10:00:00Z", 1}, {"2026-11-20T10:05:00Z", 2}, {"2026-11-20T10:07:00Z", 1},
      {"2026-11-20T10:20:00Z", 2}, {"2026-11-20T10:31:00Z", 1}, {"2026-11-20T11:01:00Z", 0}};
  ASSERT_EQ(t.steps.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(t.steps[i].ts, at(want[i].first)) << i;
    EXPECT_EQ(t.steps[i].sessions, want[i].second) << i;
  }

  const ConcurrencySummary s = summarize_concurrency(t, utc());
  EXPECT_EQ(s.max_in_flight, 2);
  ASSERT_EQ(s.days.size(), 1u);
  EXPECT_EQ(s.days[0].label, "2026-11-20");
  EXPECT_EQ(s.days[0].sessions, 3);
  EXPECT_EQ(s.days[0].max_in_flight, 2);
  // Active 10:00-11:01 = 61 min; session time 31 + 2 + 41 = 74 min.
  EXPECT_DOUBLE_EQ(s.days[0].active_hours, 61.0 / 60);
  EXPECT_DOUBLE_EQ(s.days[0].session_hours, 74.0 / 60);
  EXPECT_DOUBLE_EQ(s.days[0].mean_in_flight, 74.0 / 61);

  ASSERT_EQ(s.projects.size(), 2u);
  EXPECT_EQ(s.projects[0].label, "/b");  // 41 session-minutes before /a's 33
  EXPECT_EQ(s.projects[0].max_in_flight, 1);
  EXPECT_DOUBLE_EQ(s.projects[0].mean_in_flight, 1.0);
  EXPECT_EQ(s.projects[1].label, "/a");
  EXPECT_EQ(s.projects[1].sessions, 2);
  EXPECT_EQ(s.projects[1].max_in_flight, 2);
  EXPECT_DOUBLE_EQ(s.projects[1].active_hours, 31.0 / 60);
  EXPECT_DOUBLE_EQ(s.projects[1].mean_in_flight, 33.0 / 31);

  ASSERT_EQ(s.busiest_hours.size(), 2u);
  EXPECT_EQ(s.busiest_hours[0].label, "2026-11-20 10:00");
  EXPECT_DOUBLE_EQ(s.busiest_hours[0].session_hours, 73.0 / 60);  // 31 + 2 + 40 min
  EXPECT_EQ(s.busiest_hours[0].max_in_flight, 2);
  EXPECT_EQ(s.busiest_hours[1].label, "2026-11-20 11:00");
  EXPECT_DOUBLE_EQ(s.busiest_hours[1].session_hours, 1.0 / 60);
  EXPECT_EQ(s.busiest_hours[1].sessions, 1);
}

TEST(ConcurrencyTest, SessionsTouchingAtAnInstantDoNotOverlap) {
  // X is in flight until 10:01; Y starts at 10:01.
  const ConcurrencyTimeline t = concurrency_timeline(
      {event("X", "2026-11-20T10:00:00Z"), event("Y", "2026-11-20T10:01:00Z")}, 15 * kMinute);
  EXPECT_EQ(summarize_concurrency(t, utc()).max_in_flight, 1);
  ASSERT_EQ(t.steps.size(), 2u);  // 1 from 10:00, 0 from 10:02: no step at 10:01
  EXPECT_EQ(t.steps[1].ts, at("2026-11-20T10:02:00Z"));
}

TEST(ConcurrencyTest, DaysAreLocalAndADstDayHas23Hours) {
  auto berlin = Zone::use("Europe/Berlin");
  ASSERT_TRUE(berlin);
  // 2026-03-29 runs from 2026-03-28T23:00Z (CET) to 2026-03-29T22:00Z (CEST): 23 hours.
  // One session with an event every 15 minutes over the whole day and one more on the 30th.
  std::vector<store::UsageEvent> events;
  for (TimeMs ts = at("2026-03-28T23:00:00Z"); ts <= at("2026-03-29T22:00:00Z");
       ts += 15 * kMinute) {
    store::UsageEvent e = event("s", "2026-03-28T23:00:00Z");
    e.ts = ts;
    events.push_back(e);
  }
  const ConcurrencySummary s =
      summarize_concurrency(concurrency_timeline(events, 15 * kMinute), *berlin);
  ASSERT_EQ(s.days.size(), 2u);
  EXPECT_EQ(s.days[0].label, "2026-03-29");
  EXPECT_DOUBLE_EQ(s.days[0].active_hours, 23.0);
  EXPECT_DOUBLE_EQ(s.days[0].mean_in_flight, 1.0);
  EXPECT_EQ(s.days[1].label, "2026-03-30");
  EXPECT_DOUBLE_EQ(s.days[1].active_hours, 1.0 / 60);
  // Local clock hours: the first hour of the day is 00:00 CET.
  bool saw_midnight = false;
  for (const ConcurrencyRow& h :
       summarize_concurrency(concurrency_timeline(events, 15 * kMinute), *berlin, 100)
           .busiest_hours) {
    saw_midnight = saw_midnight || h.label == "2026-03-29 00:00";
    EXPECT_NE(h.label, "2026-03-29 02:00");  // skipped by the DST change
  }
  EXPECT_TRUE(saw_midnight);
  ASSERT_TRUE(Zone::use("UTC"));
}

}  // namespace
}  // namespace tally::analytics
