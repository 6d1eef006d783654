#pragma once

// Rolling windows: "the last 24 hours", "the last 7 days", ending now.
//
// A window of duration D as of `now` is exact to the millisecond: it covers
// [now - D, now], both ends inside. The ledger answers the whole 15-minute buckets in its
// middle from its rollup and the ragged edges from the records (store/exact_range.h).
//
// The window before a window ("previous 24 h") is [start - D, start), so the two never
// overlap and together span 2D exactly.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/report.h"
#include "core/result.h"
#include "core/time.h"
#include "core/usage.h"
#include "store/ledger.h"

namespace tally::analytics {

struct WindowSpec {
  std::string label;  // as the user wrote it: "24h", "90m", "2d"
  TimeMs duration = 0;
};

// Parses a duration: a positive integer followed by m (minutes), h (hours), d (days of 24 h)
// or w (weeks): "15m", "5h", "2d", "1w". invalid_argument otherwise.
Result<TimeMs> parse_duration(std::string_view text);

// Parses a comma-separated list of durations ("24h,7d,30d"). invalid_argument on an empty
// list, a bad duration or a duplicate.
Result<std::vector<WindowSpec>> parse_windows(std::string_view list);

// now - duration: the start of the rolling window (inside it).
TimeMs window_start(TimeMs now, TimeMs duration);

// Sums every record of `filter` within [since, until) (its own since/until are replaced);
// with `standard_speed`, costs are the standard-speed what-if.
Result<Totals> totals_between(store::Ledger& ledger, store::RecordFilter filter, TimeMs since,
                              TimeMs until, bool standard_speed = false);

struct WindowTotals {
  WindowSpec spec;
  TimeMs since = 0;  // window_start(now, duration)
  TimeMs until = 0;  // now (inside the window)
  Totals totals;
  Totals previous;  // [since - duration, since)
};

// Each window of `specs` as of `now`, in the order given.
Result<std::vector<WindowTotals>> build_windows(store::Ledger& ledger,
                                                const store::RecordFilter& filter,
                                                const std::vector<WindowSpec>& specs, TimeMs now,
                                                bool standard_speed = false);

// format_local_time is core's (core/time.h); renderers use it too.
using ::tally::format_local_time;

// a / b, or nullopt when b is 0 (a share of nothing is undefined, not 0 or infinity).
std::optional<double> ratio(double a, double b);

}  // namespace tally::analytics
