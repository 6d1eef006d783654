#include "core/time.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>
#include <ctime>

#include "core/tz_spec.h"

namespace tally {
namespace {

bool read_digits(std::string_view s, size_t& pos, size_t count, int& out) {
  if (pos + count > s.size()) {
    return false;
  }
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') {
      return false;
    }
    value = value * 10 + (c - '0');
  }
  pos += count;
  out = value;
  return true;
}

unsigned days_in_month(int year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

// Howard Hinnant's civil-from-days algorithm (public domain description, written anew).
long days_from_civil(const Date& d) {
  const int y = d.year - (d.month <= 2 ? 1 : 0);
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long m = static_cast<long>(d.month);
  const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<long>(d.day) - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date civil_from_days(long z) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const long day = doy - (153 * mp + 2) / 5 + 1;
  const long month = mp < 10 ? mp + 3 : mp - 9;
  const long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return Date{static_cast<int>(year), static_cast<unsigned>(month), static_cast<unsigned>(day)};
}

unsigned iso_weekday(const Date& d) {
  const long days = days_from_civil(d);      // 1970-01-01 was a Thursday (4)
  const long wd = ((days % 7) + 7 + 3) % 7;  // Monday = 0
  return static_cast<unsigned>(wd + 1);
}

std::optional<TimeMs> parse_iso8601(std::string_view s) {
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(s, pos, 4, year) || pos >= s.size() || s[pos++] != '-' ||
      !read_digits(s, pos, 2, month) || pos >= s.size() || s[pos++] != '-' ||
      !read_digits(s, pos, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 ||
      static_cast<unsigned>(day) > days_in_month(year, static_cast<unsigned>(month))) {
    return std::nullopt;
  }
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')) {
    return std::nullopt;
  }
  ++pos;
  if (!read_digits(s, pos, 2, hour) || pos >= s.size() || s[pos++] != ':' ||
      !read_digits(s, pos, 2, minute)) {
    return std::nullopt;
  }
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!read_digits(s, pos, 2, second)) {
      return std::nullopt;
    }
  }
  if (hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  long millis = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    long scale = 100;
    size_t digits = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])) != 0) {
      millis += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
      ++digits;
    }
    if (digits == 0) {
      return std::nullopt;
    }
  }
  long offset_seconds = 0;
  if (pos < s.size()) {
    const char c = s[pos];
    if (c == 'Z' || c == 'z') {
      ++pos;
    } else if (c == '+' || c == '-') {
      ++pos;
      int oh = 0, om = 0;
      if (!read_digits(s, pos, 2, oh)) {
        return std::nullopt;
      }
      if (pos < s.size() && s[pos] == ':') {
        ++pos;
      }
      if (pos < s.size() && !read_digits(s, pos, 2, om)) {
        return std::nullopt;
      }
      offset_seconds = (oh * 3600L + om * 60L) * (c == '-' ? -1 : 1);
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) {
    return std::nullopt;
  }
  const long days =
      days_from_civil(Date{year, static_cast<unsigned>(month), static_cast<unsigned>(day)});
  const long seconds = days * 86400L + hour * 3600L + minute * 60L + second - offset_seconds;
  return static_cast<TimeMs>(seconds) * 1000 + millis;
}

std::string format_iso8601(TimeMs t) {
  const TimeMs secs = t >= 0 ? t / 1000 : (t - 999) / 1000;
  const long ms = static_cast<long>(t - secs * 1000);
  const long days = static_cast<long>(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400);
  const long rem = static_cast<long>(secs - static_cast<TimeMs>(days) * 86400);
  const Date d = civil_from_days(days);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", d.year, d.month, d.day,
                     rem / 3600, (rem / 60) % 60, rem % 60, ms);
}

std::optional<Date> parse_date(std::string_view s) {
  size_t pos = 0;
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || !read_digits(s, pos, 4, y) || s[pos++] != '-' ||
      !read_digits(s, pos, 2, m) || s[pos++] != '-' || !read_digits(s, pos, 2, d)) {
    return std::nullopt;
  }
  if (m < 1 || m > 12 || d < 1 ||
      static_cast<unsigned>(d) > days_in_month(y, static_cast<unsigned>(m))) {
    return std::nullopt;
  }
  return Date{y, static_cast<unsigned>(m), static_cast<unsigned>(d)};
}

std::optional<Date> parse_day(std::string_view spec, const Date& today, bool last) {
  if (auto absolute = parse_date(spec)) {
    return absolute;
  }
  const long day = days_from_civil(today);
  if (spec == "today") {
    return today;
  }
  if (spec == "yesterday") {
    return civil_from_days(day - 1);
  }
  if (spec == "mtd") {
    return Date{today.year, today.month, 1};
  }
  if (spec == "last-month") {
    const Date first =
        today.month == 1 ? Date{today.year - 1, 12, 1} : Date{today.year, today.month - 1, 1};
    return last ? Date{first.year, first.month, days_in_month(first.year, first.month)} : first;
  }
  if (spec.size() >= 2 && spec.size() <= 5 && spec.back() == 'd') {
    long n = 0;
    for (const char c : spec.substr(0, spec.size() - 1)) {
      if (c < '0' || c > '9') {
        return std::nullopt;
      }
      n = n * 10 + (c - '0');
    }
    if (n >= 1) {
      return civil_from_days(day - (n - 1));
    }
  }
  return std::nullopt;
}

std::string format_date(const Date& d) {
  return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
}

Result<Zone> Zone::use(const std::string& name) {
  const std::optional<TzSpec> spec = read_tz_spec(name);
  if (!spec) {
    return fail(Errc::invalid_argument,
                fmt::format("unknown time zone '{}' (expected an IANA name such as "
                            "Europe/Berlin or :Europe/Berlin, a zone file such as "
                            ":/etc/localtime, or a POSIX rule such as "
                            "CET-1CEST,M3.5.0,M10.5.0/3; see /usr/share/zoneinfo)",
                            name));
  }
  if (name.empty()) {
    unsetenv("TZ");  // the system's zone
  } else {
    setenv("TZ", spec->for_libc.c_str(), 1);
  }
  tzset();
  return Zone(spec->name);
}

Date Zone::local_date(TimeMs t) const {
  const std::time_t secs = static_cast<std::time_t>(t >= 0 ? t / 1000 : (t - 999) / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  return Date{tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
              static_cast<unsigned>(tm.tm_mday)};
}

long Zone::utc_offset(TimeMs t) const {
  const std::time_t secs = static_cast<std::time_t>(t >= 0 ? t / 1000 : (t - 999) / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  return tm.tm_gmtoff;
}

TimeMs Zone::start_of(const Date& d) const {
  std::tm tm{};
  tm.tm_year = d.year - 1900;
  tm.tm_mon = static_cast<int>(d.month) - 1;
  tm.tm_mday = static_cast<int>(d.day);
  tm.tm_isdst = -1;
  const std::time_t secs = mktime(&tm);
  return static_cast<TimeMs>(secs) * 1000;
}

std::string format_local_time(TimeMs t, const Zone& zone) {
  constexpr TimeMs kDayMs = 24LL * 60 * 60 * 1000;
  const TimeMs local = t + zone.utc_offset(t) * 1000;
  TimeMs days = local / kDayMs;
  if (local % kDayMs < 0) {
    --days;
  }
  const TimeMs minutes = (local - days * kDayMs) / 60000;
  return fmt::format("{} {:02}:{:02}", format_date(civil_from_days(static_cast<long>(days))),
                     minutes / 60, minutes % 60);
}

}  // namespace tally
