#pragma once

// One definition of every period a report names, shared by every view and format
// (terminal, JSON, CSV, HTML): the same name always means the same milliseconds.
//
// * Rolling ("last 24 h", "last 7 d", "last 30 d"): [now - D, now], exact to the
//   millisecond (store/exact_range.h answers the ragged edges from records).
// * Calendar ("today", "yesterday", a --since/--until range): whole local days in the
//   zone; today ends at now. Their names say so: a day is a date, a range names its days.
// * "yesterday, same time": yesterday's start to the same local clock time as now (23 or
//   25 hours back across a DST change), the fair comparison for "today so far".
//
// Every period carries its bounds, so JSON and CSV show exactly what was summed.

#include <optional>
#include <string>
#include <vector>

#include "analytics/report.h"
#include "core/result.h"
#include "core/time.h"
#include "store/ledger.h"

namespace tally::analytics {

enum class PeriodKind { calendar, rolling, same_time };

struct Period {
  std::string name;  // the label every format prints
  PeriodKind kind = PeriodKind::calendar;
  std::optional<TimeMs> since;  // inclusive; nullopt: from the first record
  TimeMs until = 0;             // exclusive
};

inline constexpr TimeMs kDayMs = 24LL * 60 * 60 * 1000;

// [now - duration, now]: "last 24 h" for duration 24 h.
Period rolling_period(TimeMs now, TimeMs duration, std::string name);

// The local days [first, last] in `zone`, cut at now + 1 ms when they reach past now
// (nothing later is in the ledger); `first` nullopt for "from the first record".
Period calendar_period(const Zone& zone, std::optional<Date> first, const Date& last, TimeMs now,
                       std::string name);

// The summary's periods as of `now`: today, yesterday same time, yesterday, month to date
// (the local calendar month so far), last 24 h, last 7 d, last 30 d (always the last).
std::vector<Period> summary_periods(const Zone& zone, TimeMs now);

// The period of a --since/--until range ("2026-11-01 to 2026-11-30", "since 2026-11-01",
// "until 2026-11-30"): `until` defaults to today.
Period range_period(const Zone& zone, std::optional<Date> since, std::optional<Date> until,
                    TimeMs now);

// `filter` restricted to `period` (its own since/until replaced).
store::RecordFilter within(store::RecordFilter filter, const Period& period);

// The local date of the last millisecond of `period`.
Date last_day(const Period& period, const Zone& zone);

}  // namespace tally::analytics
