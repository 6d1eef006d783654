#include "core/tz_spec.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>

namespace tally {
namespace {

std::string zone_dir() {
  const char* dir = std::getenv("TZDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo";
}

// A compiled zone file: RFC 8536's magic.
bool is_zone_file(const std::string& path) {
  // Non-blocking: TZ naming a FIFO must not hang tally (a regular file ignores the flag).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    return false;
  }
  char magic[4] = {};
  const bool zone = ::read(fd, magic, sizeof magic) == 4 && std::memcmp(magic, "TZif", 4) == 0;
  ::close(fd);
  return zone;
}

// The IANA name of a zone file that is, or links to, one in the zone directory.
std::optional<std::string> iana_name_of(const std::string& path) {
  char resolved[PATH_MAX];
  char dir[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr ||
      ::realpath(zone_dir().c_str(), dir) == nullptr) {
    return std::nullopt;
  }
  std::string_view name(resolved);
  const std::string prefix = std::string(dir) + "/";
  if (!name.starts_with(prefix)) {
    return std::nullopt;
  }
  name.remove_prefix(prefix.size());
  for (std::string_view variant : {"posix/", "right/"}) {
    if (name.starts_with(variant)) {
      name.remove_prefix(variant.size());
    }
  }
  return std::string(name);
}

// --- The POSIX rule, one part at a time; each advances `at` past what it read. ---

bool read_name(std::string_view s, size_t& at) {
  const size_t from = at;
  if (at < s.size() && s[at] == '<') {  // quoted: letters, digits, + and -
    ++at;
    while (at < s.size() &&
           (std::isalnum(static_cast<unsigned char>(s[at])) != 0 || s[at] == '+' || s[at] == '-')) {
      ++at;
    }
    if (at >= s.size() || s[at] != '>' || at - from - 1 < 3) {
      return false;
    }
    ++at;
    return true;
  }
  while (at < s.size() && std::isalpha(static_cast<unsigned char>(s[at])) != 0) {
    ++at;
  }
  return at - from >= 3;
}

bool read_number(std::string_view s, size_t& at, int max_digits, int max, int& out) {
  const size_t from = at;
  out = 0;
  while (at < s.size() && std::isdigit(static_cast<unsigned char>(s[at])) != 0 &&
         at - from < static_cast<size_t>(max_digits)) {
    out = out * 10 + (s[at] - '0');
    ++at;
  }
  return at > from && out <= max;
}

// [+-]hh[:mm[:ss]], hours up to `max_hours`.
bool read_clock(std::string_view s, size_t& at, int max_hours) {
  if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
    ++at;
  }
  int value = 0;
  if (!read_number(s, at, 3, max_hours, value)) {
    return false;
  }
  for (int part = 0; part < 2 && at < s.size() && s[at] == ':'; ++part) {
    ++at;
    if (!read_number(s, at, 2, 59, value)) {
      return false;
    }
  }
  return true;
}

// Jn (1-365), n (0-365) or Mm.w.d, then an optional /time.
bool read_date(std::string_view s, size_t& at) {
  int value = 0;
  if (at < s.size() && s[at] == 'J') {
    ++at;
    if (!read_number(s, at, 3, 365, value) || value < 1) {
      return false;
    }
  } else if (at < s.size() && s[at] == 'M') {
    ++at;
    int week = 0;
    int day = 0;
    if (!read_number(s, at, 2, 12, value) || value < 1 || at >= s.size() || s[at++] != '.' ||
        !read_number(s, at, 1, 5, week) || week < 1 || at >= s.size() || s[at++] != '.' ||
        !read_number(s, at, 1, 6, day)) {
      return false;
    }
  } else if (!read_number(s, at, 3, 365, value)) {
    return false;
  }
  if (at < s.size() && s[at] == '/') {
    ++at;
    return read_clock(s, at, 167);  // glibc allows -167..167 hours
  }
  return true;
}

}  // namespace

bool is_posix_tz_rule(std::string_view s) {
  size_t at = 0;
  if (!read_name(s, at) || !read_clock(s, at, 24)) {
    return false;
  }
  if (at == s.size()) {
    return true;
  }
  if (!read_name(s, at)) {
    return false;
  }
  if (at < s.size() && s[at] != ',' && !read_clock(s, at, 24)) {
    return false;
  }
  if (at == s.size()) {
    return true;  // summer time by the default rule
  }
  if (s[at++] != ',' || !read_date(s, at) || at >= s.size() || s[at++] != ',' ||
      !read_date(s, at)) {
    return false;
  }
  return at == s.size();
}

std::optional<TzSpec> read_tz_spec(std::string_view tz) {
  if (tz.empty()) {
    return TzSpec{"", iana_name_of("/etc/localtime").value_or("local")};
  }
  const bool colon = tz.front() == ':';
  const std::string body(colon ? tz.substr(1) : tz);
  if (body.empty()) {
    return std::nullopt;
  }
  if (body.front() == '/') {
    if (is_zone_file(body)) {
      return TzSpec{std::string(tz), iana_name_of(body).value_or(body)};
    }
    // A system without /etc/localtime runs on UTC: glibc's own rule for it.
    if (body == "/etc/localtime" && ::access(body.c_str(), F_OK) != 0) {
      return TzSpec{std::string(tz), "UTC"};
    }
    return std::nullopt;
  }
  // A name in the database; "UTC" even where the database is not installed.
  const bool traversal = body.find("..") != std::string::npos;
  if (body == "UTC" || body == "Etc/UTC" || (!traversal && is_zone_file(zone_dir() + "/" + body))) {
    return TzSpec{std::string(tz), body};
  }
  if (!colon && is_posix_tz_rule(body)) {
    return TzSpec{body, body};
  }
  return std::nullopt;
}

}  // namespace tally
