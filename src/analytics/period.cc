#include "analytics/period.h"

#include <fmt/format.h>

#include <algorithm>

namespace tally::analytics {
namespace {

Date add_days(const Date& d, long n) { return civil_from_days(days_from_civil(d) + n); }

}  // namespace

Period rolling_period(TimeMs now, TimeMs duration, std::string name) {
  return Period{std::move(name), PeriodKind::rolling, now - duration, now + 1};
}

Period calendar_period(const Zone& zone, std::optional<Date> first, const Date& last, TimeMs now,
                       std::string name) {
  Period p;
  p.name = std::move(name);
  p.kind = PeriodKind::calendar;
  if (first) {
    p.since = zone.start_of(*first);
  }
  p.until = std::min(zone.start_of(add_days(last, 1)), now + 1);
  if (p.since && p.until < *p.since) {
    p.until = *p.since;  // a range wholly after now: empty, not inverted
  }
  return p;
}

std::vector<Period> summary_periods(const Zone& zone, TimeMs now) {
  const Date today = zone.local_date(now);
  const Date yesterday = add_days(today, -1);
  const TimeMs today_start = zone.start_of(today);
  const TimeMs yesterday_start = zone.start_of(yesterday);
  // The same local clock time yesterday; on a DST change day that is 23 or 25 hours back.
  const TimeMs back = now - kDayMs + (zone.utc_offset(now) - zone.utc_offset(now - kDayMs)) * 1000;
  const TimeMs same_time = std::clamp(back, yesterday_start, today_start);
  return {
      calendar_period(zone, today, today, now, "today"),
      Period{"yesterday, same time", PeriodKind::same_time, yesterday_start, same_time},
      calendar_period(zone, yesterday, yesterday, now, "yesterday"),
      calendar_period(zone, Date{today.year, today.month, 1}, today, now, "month to date"),
      rolling_period(now, kDayMs, "last 24 h"),
      rolling_period(now, 7 * kDayMs, "last 7 d"),
      rolling_period(now, 30 * kDayMs, "last 30 d"),
  };
}

Period range_period(const Zone& zone, std::optional<Date> since, std::optional<Date> until,
                    TimeMs now) {
  const Date last = until.value_or(zone.local_date(now));
  std::string name;
  if (since && until) {
    name = *since == *until ? format_date(*since)
                            : fmt::format("{} to {}", format_date(*since), format_date(*until));
  } else if (since) {
    name = fmt::format("since {}", format_date(*since));
  } else {
    name = fmt::format("until {}", format_date(last));
  }
  return calendar_period(zone, since, last, now, std::move(name));
}

store::RecordFilter within(store::RecordFilter filter, const Period& period) {
  filter.since = period.since;
  filter.until = period.until;
  return filter;
}

Date last_day(const Period& period, const Zone& zone) {
  return zone.local_date(period.until - 1);
}

}  // namespace tally::analytics
