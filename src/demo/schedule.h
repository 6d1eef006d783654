#pragma once

// When the heavy user works (profile heavy_user, corpus.h). The month is a run of UTC days,
// each quiet (Saturday, Sunday), ordinary or busy, and a few weekdays are fast-mode days
// (Claude Opus at fast speed, Codex at priority: a deadline). Sessions start inside a day's
// working hours; a busy day crowds several ordinary days' worth of sessions into a few hours
// around midday, which is what puts 10-15 sessions in flight at once.
//
// The days are those of the `span` before `end`: the first is the UTC day after end - span
// starts, the last is end's own day, of which only the hours before `end` are used.

#include <cstddef>
#include <vector>

#include "demo/common.h"

namespace tally::corpus {

class Month {
 public:
  // Draws which weekdays are busy and which are fast. `span` >= one day.
  Month(Millis end, Millis span, Rng& rng);

  // Start times for `n` sessions. Each day gets a share by its kind (a busy day three
  // ordinary days' worth, a quiet day a quarter of one; end's day by the part of its hours
  // before `end`), inside its working hours. They come in an order whose every prefix
  // spreads over the days as the whole does, so a caller may use only the first few. Every
  // start is before `end`; a writer moves a session that would run past `end` earlier.
  std::vector<Millis> starts(size_t n, Rng& rng) const;

  // Whether `t` falls on a fast-mode day.
  bool fast(Millis t) const;

 private:
  enum class Kind { quiet, ordinary, busy };
  struct Day {
    Millis start = 0;  // midnight UTC
    Kind kind = Kind::ordinary;
    bool fast = false;
  };

  Millis end_ = 0;
  std::vector<Day> days_;
};

}  // namespace tally::corpus
