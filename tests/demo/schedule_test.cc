#include "demo/schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <vector>

namespace tally::corpus {
namespace {

constexpr Millis kHour = 3'600'000;
constexpr Millis kDay = 24 * kHour;
// Monday 2026-12-07 16:00 UTC.
constexpr Millis kEnd = 1'796'659'200'000;
constexpr Millis kSpan = 30 * kDay;

int weekday(Millis t) { return static_cast<int>((t / kDay + 3) % 7); }  // Monday = 0

std::map<Millis, int> per_day(const std::vector<Millis>& starts) {
  std::map<Millis, int> days;
  for (const Millis t : starts) {
    ++days[t / kDay * kDay];
  }
  return days;
}

TEST(MonthTest, StartsFallInWorkingHoursOfTheMonthBeforeTheEnd) {
  Rng rng(7);
  const Month month(kEnd, kSpan, rng);
  const std::vector<Millis> starts = month.starts(400, rng);
  ASSERT_EQ(starts.size(), 400u);
  for (const Millis t : starts) {
    EXPECT_LT(t, kEnd);
    EXPECT_GE(t, kEnd - kSpan);
    const Millis hour = t % kDay / kHour;
    EXPECT_GE(hour, 8);
    EXPECT_LT(hour, 20);
  }
}

TEST(MonthTest, BusyDaysCrowdOrdinaryDaysAndWeekendsAreQuiet) {
  Rng rng(7);
  const Month month(kEnd, kSpan, rng);
  const std::map<Millis, int> days = per_day(month.starts(600, rng));
  std::vector<int> weekdays, weekends;
  for (const auto& [day, n] : days) {
    if (day + kDay <= kEnd) {  // whole days only
      (weekday(day) >= 5 ? weekends : weekdays).push_back(n);
    }
  }
  std::sort(weekdays.begin(), weekdays.end());
  ASSERT_GE(weekdays.size(), 15u);
  const int ordinary = weekdays[weekdays.size() / 4];
  const int busy = weekdays.back();
  EXPECT_GE(busy, 5 * ordinary / 2) << "a busy day is about three ordinary days";
  EXPECT_LE(busy, 7 * ordinary / 2);
  // About a third of the weekdays are busy.
  const auto busy_days =
      std::count_if(weekdays.begin(), weekdays.end(), [&](int n) { return n >= 2 * ordinary; });
  EXPECT_GE(busy_days, 6);
  EXPECT_LE(busy_days, 8);
  for (const int n : weekends) {
    EXPECT_LE(n, ordinary / 2);
  }
}

TEST(MonthTest, FourWeekdaysAreFastModeDays) {
  Rng rng(7);
  const Month month(kEnd, kSpan, rng);
  int fast = 0;
  for (Millis day = (kEnd - kSpan) / kDay * kDay; day < kEnd; day += kDay) {
    if (month.fast(day + 12 * kHour)) {
      ++fast;
      EXPECT_LT(weekday(day), 5);
      EXPECT_TRUE(month.fast(day));  // the whole day
      EXPECT_TRUE(month.fast(day + kDay - 1));
    }
  }
  EXPECT_EQ(fast, 4);
}

TEST(MonthTest, EveryPrefixOfTheStartsSpreadsOverTheDaysLikeTheWhole) {
  Rng rng(3);
  const Month month(kEnd, kSpan, rng);
  const std::vector<Millis> starts = month.starts(400, rng);
  const std::map<Millis, int> all = per_day(starts);
  const std::map<Millis, int> half =
      per_day(std::vector<Millis>(starts.begin(), starts.begin() + 200));
  for (const auto& [day, n] : all) {
    const auto it = half.find(day);
    const int got = it == half.end() ? 0 : it->second;
    EXPECT_NEAR(got, n / 2.0, 1.0) << "day " << day / kDay;
  }
}

TEST(MonthTest, TheSameDrawsGiveTheSameMonth) {
  Rng a(11), b(11);
  const Month ma(kEnd, kSpan, a), mb(kEnd, kSpan, b);
  EXPECT_EQ(ma.starts(100, a), mb.starts(100, b));
}

}  // namespace
}  // namespace tally::corpus
