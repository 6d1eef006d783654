#include "analytics/concurrency.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "analytics/windows.h"

namespace tally::analytics {
namespace {

constexpr TimeMs kHourMs = 60LL * 60 * 1000;

// The step function over [a, b): its maximum, the time with anything in flight, and the
// integral of sessions in flight (session-milliseconds; exact in an int64).
struct RangeStats {
  std::int64_t max = 0;
  TimeMs active_ms = 0;
  std::int64_t session_ms = 0;
};

RangeStats range_stats(const std::vector<ConcurrencyStep>& steps, TimeMs a, TimeMs b) {
  RangeStats r;
  auto it = std::upper_bound(steps.begin(), steps.end(), a,
                             [](TimeMs t, const ConcurrencyStep& s) { return t < s.ts; });
  std::int64_t value = it == steps.begin() ? 0 : std::prev(it)->sessions;
  TimeMs from = a;
  for (;; ++it) {
    const TimeMs to = (it == steps.end() || it->ts >= b) ? b : it->ts;
    if (to > from && value > 0) {
      r.max = std::max(r.max, value);
      r.active_ms += to - from;
      r.session_ms += value * (to - from);
    }
    if (it == steps.end() || it->ts >= b) {
      break;
    }
    from = it->ts;
    value = it->sessions;
  }
  return r;
}

ConcurrencyRow make_row(std::string label, const RangeStats& r, std::int64_t sessions) {
  ConcurrencyRow row;
  row.label = std::move(label);
  row.sessions = sessions;
  row.max_in_flight = r.max;
  row.active_hours = static_cast<double>(r.active_ms) / static_cast<double>(kHourMs);
  row.session_hours = static_cast<double>(r.session_ms) / static_cast<double>(kHourMs);
  row.mean_in_flight =
      r.active_ms == 0 ? 0.0 : static_cast<double>(r.session_ms) / static_cast<double>(r.active_ms);
  return row;
}

std::int64_t sessions_in(const std::vector<SessionSpan>& spans, TimeMs a, TimeMs b) {
  std::set<std::string> ids;
  for (const SessionSpan& s : spans) {
    if (s.start < b && s.end > a) {
      ids.insert(s.session_id);
    }
  }
  return static_cast<std::int64_t>(ids.size());
}

// The start of the local clock hour containing `t`.
TimeMs local_hour_start(const Zone& zone, TimeMs t) {
  const TimeMs local = t + zone.utc_offset(t) * 1000;
  TimeMs r = local % kHourMs;
  if (r < 0) {
    r += kHourMs;
  }
  return t - r;
}

}  // namespace

std::vector<SessionSpan> session_spans(const std::vector<store::UsageEvent>& events,
                                       TimeMs idle_limit) {
  // Events per session, oldest first.
  std::map<std::string, std::vector<const store::UsageEvent*>> by_session;
  for (const store::UsageEvent& e : events) {
    by_session[e.session_id].push_back(&e);
  }
  std::vector<SessionSpan> spans;
  for (auto& [id, list] : by_session) {
    std::stable_sort(
        list.begin(), list.end(),
        [](const store::UsageEvent* a, const store::UsageEvent* b) { return a->ts < b->ts; });
    SessionSpan span;
    TimeMs last = 0;
    for (const store::UsageEvent* e : list) {
      if (span.events > 0 && e->ts - last > idle_limit) {
        span.end = last + kEventSpanMs;
        spans.push_back(span);
        span.events = 0;
      }
      if (span.events == 0) {
        span.session_id = id;
        span.project = e->project;
        span.agent = e->agent;
        span.start = e->ts;
      }
      ++span.events;
      last = e->ts;
    }
    span.end = last + kEventSpanMs;
    spans.push_back(span);
  }
  std::sort(spans.begin(), spans.end(), [](const SessionSpan& a, const SessionSpan& b) {
    return std::tie(a.start, a.session_id) < std::tie(b.start, b.session_id);
  });
  return spans;
}

std::vector<ConcurrencyStep> concurrency_steps(const std::vector<SessionSpan>& spans) {
  // +1 at each start, -1 at each end; ends and starts at the same instant net out, so a
  // session ending exactly when another starts leaves the count unchanged.
  std::map<TimeMs, std::int64_t> delta;
  for (const SessionSpan& s : spans) {
    ++delta[s.start];
    --delta[s.end];
  }
  std::vector<ConcurrencyStep> steps;
  std::int64_t in_flight = 0;
  for (const auto& [ts, d] : delta) {
    in_flight += d;
    if (!steps.empty() && steps.back().sessions == in_flight) {
      continue;
    }
    steps.push_back({ts, in_flight});
  }
  return steps;
}

ConcurrencyTimeline concurrency_timeline(const std::vector<store::UsageEvent>& events,
                                         TimeMs idle_limit) {
  ConcurrencyTimeline t;
  t.spans = session_spans(events, idle_limit);
  t.steps = concurrency_steps(t.spans);
  return t;
}

ConcurrencySummary summarize_concurrency(const ConcurrencyTimeline& timeline, const Zone& zone,
                                         size_t top_hours) {
  ConcurrencySummary out;
  const std::vector<SessionSpan>& spans = timeline.spans;
  if (spans.empty()) {
    return out;
  }
  TimeMs first = spans.front().start;
  TimeMs last = first;
  for (const SessionSpan& s : spans) {
    last = std::max(last, s.end);
  }
  out.max_in_flight = range_stats(timeline.steps, first, last).max;

  // Days: local calendar days, so a DST day is 23 or 25 hours long.
  const long first_day = days_from_civil(zone.local_date(first));
  const long last_day = days_from_civil(zone.local_date(last - 1));
  for (long d = first_day; d <= last_day; ++d) {
    const Date date = civil_from_days(d);
    const TimeMs a = zone.start_of(date);
    const TimeMs b = zone.start_of(civil_from_days(d + 1));
    const RangeStats r = range_stats(timeline.steps, a, b);
    if (r.active_ms > 0) {
      out.days.push_back(make_row(format_date(date), r, sessions_in(spans, a, b)));
    }
  }

  // Projects: each project's own timeline.
  std::map<std::string, std::vector<SessionSpan>> by_project;
  for (const SessionSpan& s : spans) {
    by_project[s.project].push_back(s);
  }
  for (const auto& [project, list] : by_project) {
    const RangeStats r = range_stats(concurrency_steps(list), first, last);
    out.projects.push_back(make_row(project, r, sessions_in(list, first, last)));
  }
  std::stable_sort(out.projects.begin(), out.projects.end(),
                   [](const ConcurrencyRow& a, const ConcurrencyRow& b) {
                     return a.session_hours > b.session_hours;
                   });

  // Hours: every local clock hour some span touches.
  std::set<TimeMs> hours;
  for (const SessionSpan& s : spans) {
    for (TimeMs h = local_hour_start(zone, s.start); h < s.end; h += kHourMs) {
      hours.insert(h);
    }
  }
  std::vector<std::pair<TimeMs, RangeStats>> ranked;
  for (const TimeMs h : hours) {
    ranked.emplace_back(h, range_stats(timeline.steps, h, h + kHourMs));
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second.session_ms > b.second.session_ms;
  });
  for (size_t i = 0; i < ranked.size() && i < top_hours; ++i) {
    const TimeMs h = ranked[i].first;
    out.busiest_hours.push_back(
        make_row(format_local_time(h, zone), ranked[i].second, sessions_in(spans, h, h + kHourMs)));
  }
  return out;
}

}  // namespace tally::analytics
