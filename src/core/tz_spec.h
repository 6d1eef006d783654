#pragma once

// What the TZ variable (or `--timezone`, or the config's `timezone`) may say, as POSIX and
// glibc read it, checked before the C library is given it: glibc falls back to UTC without
// a word on anything it cannot read, which would put every day of a report in the wrong
// zone.
//
//   Europe/Berlin, :Europe/Berlin      a zone of the IANA database ($TZDIR, else
//                                      /usr/share/zoneinfo); the colon form is POSIX's
//   :/etc/localtime, /some/zonefile    a compiled zone file (it must start with "TZif")
//   CET-1CEST,M3.5.0,M10.5.0/3, UTC0   a POSIX rule: names, offsets, and when summer
//   EST5EDT, <+03>-3                   time starts and ends
//
// A name is tried as a file first, then as a rule, as glibc does.

#include <optional>
#include <string>
#include <string_view>

namespace tally {

struct TzSpec {
  std::string for_libc;  // the value to put in TZ
  std::string name;      // what reports print: the IANA name where one is known
};

// `tz` checked; nullopt when the C library could not read it (it would use UTC instead).
// An empty `tz` is the system's zone (/etc/localtime), named when it links into the zone
// database.
std::optional<TzSpec> read_tz_spec(std::string_view tz);

// True when `s` is a POSIX TZ rule ("std offset [dst [offset] [,start[/time],end[/time]]]",
// with glibc's wider hour ranges).
bool is_posix_tz_rule(std::string_view s);

}  // namespace tally
