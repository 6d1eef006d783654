#include "app/clock.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <optional>

namespace tally::app {

TimeMs now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<TimeMs> view_now() {
  const char* pinned = std::getenv("TALLY_NOW");
  if (pinned == nullptr || *pinned == '\0') {
    return now_ms();
  }
  const std::optional<TimeMs> t = parse_iso8601(pinned);
  if (!t) {
    return fail(Errc::invalid_argument, fmt::format("TALLY_NOW '{}' is not an ISO-8601 time like "
                                                    "2026-11-23T14:07:00Z",
                                                    pinned));
  }
  return *t;
}

}  // namespace tally::app
