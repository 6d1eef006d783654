#pragma once

// UTC timestamps and calendar days in a user's timezone.
//
// g++ 12 has no std::chrono::parse or time-zone database, so ISO-8601 is parsed by hand
// and zone conversion goes through the C library (TZ + localtime_r), which reads the
// system's IANA database. The zone is therefore a process-wide setting: `Zone::use`
// sets TZ once at start-up, before any worker threads exist.

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/usage.h"

namespace tally {

// Parses ISO-8601 / RFC 3339 date-times: "2026-11-22T22:06:44.035Z", fractional seconds of
// any precision, "+02:00"/"-0530" offsets or none (taken as UTC), ' ' instead of 'T'.
// Returns nullopt for anything else.
std::optional<TimeMs> parse_iso8601(std::string_view text);

// Formats `t` as "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string format_iso8601(TimeMs t);

// A civil date. Ordered, so it can key maps.
struct Date {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;
  auto operator<=>(const Date&) const = default;
};

// Parses "YYYY-MM-DD"; nullopt when malformed or not a real day.
std::optional<Date> parse_date(std::string_view text);
std::string format_date(const Date& d);
// A day as people write it for --since/--until, relative to `today`: YYYY-MM-DD, "today",
// "yesterday", "Nd" (the first of the last N days, today included: 7d is today and the six
// days before), "mtd" (this month's first day), "last-month" (its first day, or with
// `last` its last day). nullopt when `spec` is none of these.
std::optional<Date> parse_day(std::string_view spec, const Date& today, bool last = false);
// The forms parse_day takes, for messages and help.
inline constexpr std::string_view kDayForms =
    "YYYY-MM-DD, today, yesterday, Nd (7d: the last 7 days), mtd or last-month";
// Days since 1970-01-01 and back.
long days_from_civil(const Date& d);
Date civil_from_days(long days);
// ISO weekday, Monday = 1 ... Sunday = 7.
unsigned iso_weekday(const Date& d);

// A time zone: an IANA name ("Europe/Berlin"), a zone file (":/etc/localtime") or a POSIX
// rule ("CET-1CEST,M3.5.0,M10.5.0/3"), as TZ says it (core/tz_spec.h).
class Zone {
 public:
  // Makes `name` the process's zone; an empty name is the system's zone. Fails when the C
  // library could not read `name` (it would silently use UTC).
  static Result<Zone> use(const std::string& name);
  // The IANA name where one is known ("Europe/Berlin", also for ":/etc/localtime" when it
  // links there), else the rule or path as given; "local" for a system zone of unknown name.
  const std::string& name() const { return name_; }
  // The calendar day that `t` falls on in this zone.
  Date local_date(TimeMs t) const;
  // The instant at which local day `d` starts (first valid local time on or after 00:00).
  TimeMs start_of(const Date& d) const;
  // Seconds east of UTC at `t`.
  long utc_offset(TimeMs t) const;

 private:
  explicit Zone(std::string name) : name_(std::move(name)) {}
  std::string name_;
};

// `t` as local wall-clock time in `zone`, to the minute: "2026-11-23 14:07".
std::string format_local_time(TimeMs t, const Zone& zone);

}  // namespace tally
