#pragma once

// The instants tally reports as of.

#include "core/result.h"
#include "core/time.h"

namespace tally::app {

// Milliseconds since the epoch, now.
TimeMs now_ms();

// The instant the time views report as of: the clock, unless TALLY_NOW holds an ISO-8601
// time (for reproducible output in tests and bug reports). invalid_argument when TALLY_NOW
// is set but not a time.
Result<TimeMs> view_now();

}  // namespace tally::app
