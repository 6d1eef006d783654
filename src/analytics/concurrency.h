#pragma once

// Sessions in flight over time.
//
// Definitions (also in `tally concurrency --help`):
// * A session is one agent session id. A sub-agent has its own id and counts as its own
//   session in flight: it is a separate agent running, even though its cost rolls into the
//   parent elsewhere.
// * A session is in flight from its first event to its last, and each event keeps it in
//   flight for kEventSpanMs (one minute) after the event: the span is
//   [first event, last event + 1 min). So a session with a single event counts for one
//   minute, and two sessions with events at the same instant overlap.
// * An idle gap between consecutive events of a session longer than `idle_limit` splits it
//   into two spans; a gap of exactly `idle_limit` does not.
// * The timeline is a step function: the count of spans in flight changes only at span
//   starts and ends.

#include <cstdint>
#include <string>
#include <vector>

#include "core/time.h"
#include "core/usage.h"
#include "store/ledger.h"

namespace tally::analytics {

inline constexpr TimeMs kEventSpanMs = 60 * 1000;
inline constexpr TimeMs kDefaultIdleLimitMs = 15 * 60 * 1000;

// One uninterrupted stretch of one session: [start, end).
struct SessionSpan {
  std::string session_id;
  std::string project;
  Agent agent;
  TimeMs start = 0;
  TimeMs end = 0;
  std::int64_t events = 0;
};

// One step of the timeline: from `ts` until the next step's `ts`, `sessions` are in flight.
struct ConcurrencyStep {
  TimeMs ts = 0;
  std::int64_t sessions = 0;
};

struct ConcurrencyTimeline {
  // Strictly increasing `ts`; consecutive steps have different counts; the last step is 0
  // (nothing in flight after it). Empty when there are no events.
  std::vector<ConcurrencyStep> steps;
  // The spans the steps are made of, ordered by start, then session id.
  std::vector<SessionSpan> spans;
};

// Splits every session of `events` (any order) into spans. `idle_limit` must be >= 0.
std::vector<SessionSpan> session_spans(const std::vector<store::UsageEvent>& events,
                                       TimeMs idle_limit);

// The step function of sessions in flight over `spans`.
std::vector<ConcurrencyStep> concurrency_steps(const std::vector<SessionSpan>& spans);

// session_spans + concurrency_steps: the timeline the HTML report draws.
ConcurrencyTimeline concurrency_timeline(const std::vector<store::UsageEvent>& events,
                                         TimeMs idle_limit = kDefaultIdleLimitMs);

// Concurrency over one stretch of time (a day, an hour) or one project.
// * max: the most sessions in flight at any instant.
// * mean: time-weighted over the ACTIVE time (time with at least one session in flight),
//   not over 24 h: "while anything ran, this many sessions ran on average". It equals
//   session_hours / active_hours.
struct ConcurrencyRow {
  std::string label;          // "2026-11-20", a project path, "2026-11-20 14:00"
  std::int64_t sessions = 0;  // distinct sessions with a span in the stretch
  std::int64_t max_in_flight = 0;
  double mean_in_flight = 0;  // 0 when nothing ran
  double active_hours = 0;
  double session_hours = 0;  // the sum of every session's time in flight
};

struct ConcurrencySummary {
  std::int64_t max_in_flight = 0;        // over everything
  std::vector<ConcurrencyRow> days;      // local days in `zone`, oldest first, active days only
  std::vector<ConcurrencyRow> projects;  // by session_hours, descending
  // Local clock hours ("YYYY-MM-DD HH:00" in `zone`) with the most session_hours, busiest
  // first, at most `top_hours` of them.
  std::vector<ConcurrencyRow> busiest_hours;
};

// Summarises `timeline` per local day of `zone`, per project and per clock hour.
ConcurrencySummary summarize_concurrency(const ConcurrencyTimeline& timeline, const Zone& zone,
                                         size_t top_hours = 5);

}  // namespace tally::analytics
