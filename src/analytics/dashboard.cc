#include "analytics/dashboard.h"

#include <algorithm>
#include <map>
#include <utility>

#include "analytics/concurrency.h"
#include "sources/git_worktree.h"

namespace tally::analytics {
namespace {

constexpr TimeMs kHourMs = 60 * 60 * 1000;

Date add_days(const Date& d, long n) { return civil_from_days(days_from_civil(d) + n); }

struct Amount {
  double usd = 0;
  std::int64_t tokens = 0;
};

// Most expensive first; ties by tokens, then by name, so the order is deterministic.
std::vector<std::pair<std::string, Amount>> ranked(const std::map<std::string, Amount>& sums) {
  std::vector<std::pair<std::string, Amount>> out(sums.begin(), sums.end());
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    if (a.second.usd != b.second.usd) {
      return a.second.usd > b.second.usd;
    }
    return a.second.tokens > b.second.tokens;
  });
  return out;
}

Status add_daily(store::Ledger& ledger, const store::RecordFilter& filter, const Zone& zone,
                 bool standard_speed, const DashboardOptions& options, Dashboard& d) {
  store::GroupBy group;
  group.time_bucket = true;
  group.model = true;
  auto rows = ledger.aggregate(filter, group);
  TALLY_TRY(rows);
  std::map<std::string, Amount> per_model;
  for (const store::AggregateRow& row : *rows) {
    const Totals t = totals_of(row, standard_speed);
    Amount& a = per_model[row.model];
    a.usd += t.cost_usd;
    a.tokens += t.tokens.total();
    d.totals.add(t);
  }
  const auto models = ranked(per_model);
  std::map<std::string, std::size_t> series_of;
  for (std::size_t i = 0; i < models.size(); ++i) {
    if (i < options.top_models) {
      series_of[models[i].first] = i;
      d.daily.models.push_back(models[i].first);
    } else {
      series_of[models[i].first] = options.top_models;
    }
  }
  if (models.size() > options.top_models) {
    d.daily.models.emplace_back(kOtherSeries);
  }
  const long first = days_from_civil(d.first_day);
  for (long day = first; day <= days_from_civil(d.last_day); ++day) {
    d.daily.days.push_back(civil_from_days(day));
  }
  d.daily.usd.assign(d.daily.days.size(), std::vector<double>(d.daily.models.size(), 0.0));
  d.daily.unpriced_requests.assign(d.daily.days.size(), 0);
  d.daily.unpriced_model.assign(d.daily.models.size(), false);
  for (const store::AggregateRow& row : *rows) {
    // Zone offsets are whole quarter hours, so a 15-minute bucket lies within one local day.
    const long index = days_from_civil(zone.local_date(row.bucket)) - first;
    if (index < 0 || index >= static_cast<long>(d.daily.days.size())) {
      continue;
    }
    const Totals t = totals_of(row, standard_speed);
    const std::size_t series = series_of[row.model];
    d.daily.usd[static_cast<std::size_t>(index)][series] += t.cost_usd;
    d.daily.unpriced_requests[static_cast<std::size_t>(index)] += t.unpriced_requests;
    if (t.unpriced_requests > 0) {
      d.daily.unpriced_model[series] = true;
    }
  }
  return ok();
}

Status add_projects(store::Ledger& ledger, const store::RecordFilter& filter, bool standard_speed,
                    const DashboardOptions& options, Dashboard& d) {
  store::GroupBy group;
  group.project = true;
  auto rows = ledger.aggregate(filter, group);
  TALLY_TRY(rows);
  std::map<std::string, Amount> per_project;
  sources::ProjectRoots roots;  // worktrees roll into their repository
  for (const store::AggregateRow& row : *rows) {
    Amount& a = per_project[roots.of(row.project)];
    a.usd += totals_of(row, standard_speed).cost_usd;
    a.tokens += row.tokens.total();
  }
  ProjectCost other{kOtherSeries, 0, 0, true};
  std::size_t folded = 0;
  for (const auto& [project, amount] : ranked(per_project)) {
    if (d.projects.size() < options.top_projects) {
      d.projects.push_back(ProjectCost{project, amount.usd, amount.tokens, false});
    } else {
      other.usd += amount.usd;
      other.tokens += amount.tokens;
      ++folded;
    }
  }
  if (folded > 0) {
    d.projects.push_back(std::move(other));
  }
  return ok();
}

// The peak of the step function `steps` within each hour of [start, end).
std::vector<HourPeak> hourly_peaks(const std::vector<ConcurrencyStep>& steps, TimeMs start,
                                   TimeMs end) {
  std::vector<HourPeak> hours;
  std::size_t next = 0;      // the first step not yet in effect
  std::int64_t current = 0;  // the count in effect at the hour's start
  for (TimeMs hour = start; hour < end; hour += kHourMs) {
    while (next < steps.size() && steps[next].ts <= hour) {
      current = steps[next++].sessions;
    }
    std::int64_t peak = current;
    while (next < steps.size() && steps[next].ts < hour + kHourMs) {
      current = steps[next++].sessions;
      peak = std::max(peak, current);
    }
    hours.push_back(HourPeak{hour, peak});
  }
  return hours;
}

Status add_concurrency(store::Ledger& ledger, store::RecordFilter filter, const Zone& zone,
                       const DashboardOptions& options, Dashboard& d) {
  const TimeMs start = zone.start_of(add_days(d.last_day, 1 - options.timeline_days));
  const TimeMs end = zone.start_of(add_days(d.last_day, 1));
  // A session in flight at `start` has an event shortly before it; a day of lead-in covers
  // any idle limit in use.
  filter.since = start - kDayMs - options.idle_limit_ms;
  filter.until = end;
  auto events = ledger.events(filter);
  TALLY_TRY(events);
  const ConcurrencyTimeline timeline = concurrency_timeline(*events, options.idle_limit_ms);
  d.hours = hourly_peaks(timeline.steps, start, end);
  for (const HourPeak& h : d.hours) {
    d.peak_sessions = std::max(d.peak_sessions, h.sessions);
  }
  return ok();
}

}  // namespace

Result<Dashboard> build_dashboard(store::Ledger& ledger, const ReportQuery& query, const Zone& zone,
                                  const Date& first, const Date& last, const Period& main,
                                  const DashboardOptions& options) {
  Dashboard d;
  d.last_day = last;
  d.first_day = std::min(first, last);
  d.timeline_days = options.timeline_days;
  d.idle_limit_ms = options.idle_limit_ms;
  ReportQuery base = query;
  base.exact = false;
  base.since = d.first_day;
  base.until = d.last_day;
  const store::RecordFilter filter = make_filter(base, zone);
  TALLY_TRY(add_daily(ledger, filter, zone, query.standard_speed, options, d));
  TALLY_TRY(add_projects(ledger, within(filter, main), query.standard_speed, options, d));
  TALLY_TRY(add_concurrency(ledger, filter, zone, options, d));
  return d;
}

}  // namespace tally::analytics
