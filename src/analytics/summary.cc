#include "analytics/summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "analytics/windows.h"

namespace tally::analytics {
namespace {

Result<ReportRow> period_row(store::Ledger& ledger, const store::RecordFilter& filter,
                             const Period& period, bool standard_speed) {
  store::GroupBy group;
  group.agent = true;
  group.model = true;
  auto rows = ledger.aggregate(within(filter, period), group);
  TALLY_TRY(rows);
  ReportRow row;
  row.keys = {{"period", period.name},
              {"since", period.since ? format_iso8601(*period.since) : ""},
              {"until", format_iso8601(period.until)}};
  std::set<std::string> agents;
  std::set<std::string> models;
  for (const store::AggregateRow& r : *rows) {
    row.totals.add(totals_of(r, standard_speed));
    agents.insert(std::string(agent_name(r.agent)));
    models.insert(r.model);
  }
  for (const std::string& a : agents) {
    row.agent += (row.agent.empty() ? "" : ",") + a;
  }
  for (const std::string& m : models) {
    row.model += (row.model.empty() ? "" : ",") + m;
  }
  return row;
}

void keep_top(Report& report, size_t top) {
  if (report.rows.size() > top) {
    report.notes.push_back(fmt::format("top {} of {}", top, report.rows.size()));
    report.rows.resize(top);
  }
}

const Totals* totals_named(const Summary& s, std::string_view name) {
  for (size_t i = 0; i < s.spans.size(); ++i) {
    if (s.spans[i].name == name) {
      return &s.periods.rows[i].totals;
    }
  }
  return nullptr;
}

Status add_rolling(store::Ledger& ledger, const store::RecordFilter& filter, TimeMs now,
                   bool standard_speed, Summary& s) {
  RollingSummary r;
  auto previous = totals_between(ledger, filter, now - 30 * kDayMs, now - kDayMs, standard_speed);
  TALLY_TRY(previous);
  r.previous_29d = *previous;
  const Totals* day = totals_named(s, "last 24 h");
  const Totals* month = totals_named(s, "last 30 d");
  if (day == nullptr || month == nullptr) {
    return ok();  // not the summary's own periods: nothing to compare
  }
  const auto tokens = [](const Totals& t) { return static_cast<double>(t.tokens.total()); };
  r.share_of_30d_cost = ratio(day->cost_usd, month->cost_usd);
  r.share_of_30d_tokens = ratio(tokens(*day), tokens(*month));
  r.ratio_to_previous_29d_cost = ratio(day->cost_usd, r.previous_29d.cost_usd);
  r.ratio_to_previous_29d_tokens = ratio(tokens(*day), tokens(r.previous_29d));
  s.rolling = r;
  return ok();
}

void add_month(const Zone& zone, TimeMs now, Summary& s) {
  const Totals* so_far = totals_named(s, "month to date");
  const Totals* week = totals_named(s, "last 7 d");
  if (so_far == nullptr || week == nullptr) {
    return;
  }
  MonthProjection m;
  const Date today = zone.local_date(now);
  m.first = Date{today.year, today.month, 1};
  const Date next{today.month == 12 ? today.year + 1 : today.year,
                  today.month == 12 ? 1 : today.month + 1, 1};
  m.last = civil_from_days(days_from_civil(next) - 1);
  m.so_far = *so_far;
  m.pace_usd_per_day = week->cost_usd / 7;
  m.remaining_days = static_cast<double>(zone.start_of(next) - now) / kDayMs;
  m.projected_usd = m.so_far.cost_usd + m.pace_usd_per_day * m.remaining_days;
  m.partial = so_far->unpriced_requests > 0 || week->unpriced_requests > 0;
  s.month = m;
}

Status add_daily(store::Ledger& ledger, store::RecordFilter filter, const Zone& zone,
                 long first, long last, bool standard_speed, DailyByModel& daily) {
  for (long d = first; d <= last; ++d) {
    daily.days.push_back(civil_from_days(d));
  }
  filter.since = zone.start_of(daily.days.front());
  filter.until = zone.start_of(civil_from_days(last + 1));
  store::GroupBy group;
  group.time_bucket = true;
  group.model = true;
  group.local_days = zone;
  auto rows = ledger.aggregate(filter, group);
  TALLY_TRY(rows);
  std::map<std::string, Totals> per_model;
  std::map<std::pair<long, std::string>, Totals> cells;
  for (const store::AggregateRow& r : *rows) {
    const Totals t = totals_of(r, standard_speed);
    per_model[r.model].add(t);
    cells[{days_from_civil(zone.local_date(r.bucket)), r.model}].add(t);
  }
  for (const auto& [model, t] : per_model) {
    daily.models.push_back(model);
  }
  std::stable_sort(daily.models.begin(), daily.models.end(),
                   [&](const std::string& a, const std::string& b) {
                     const Totals& ta = per_model[a];
                     const Totals& tb = per_model[b];
                     if (ta.cost_usd != tb.cost_usd) {
                       return ta.cost_usd > tb.cost_usd;
                     }
                     return ta.tokens.total() > tb.tokens.total();
                   });
  double peak_cost = 0;
  std::int64_t peak_tokens = 0;
  for (size_t i = 0; i < daily.days.size(); ++i) {
    std::vector<Totals> row(daily.models.size());
    Totals day;
    for (size_t m = 0; m < daily.models.size(); ++m) {
      auto it = cells.find({days_from_civil(daily.days[i]), daily.models[m]});
      if (it != cells.end()) {
        row[m] = it->second;
        day.add(it->second);
      }
    }
    // The first of equal peaks is the peak.
    if (day.cost_usd > peak_cost) {
      peak_cost = day.cost_usd;
      daily.peak_cost_day = i;
    }
    if (day.tokens.total() > peak_tokens) {
      peak_tokens = day.tokens.total();
      daily.peak_tokens_day = i;
    }
    daily.values.push_back(std::move(row));
  }
  return ok();
}

// The first day of a range that starts at its first record: that record's day.
Result<long> first_active_day(store::Ledger& ledger, const store::RecordFilter& filter,
                              const Zone& zone, long fallback) {
  store::GroupBy none;
  auto rows = ledger.aggregate(filter, none);
  TALLY_TRY(rows);
  std::optional<TimeMs> first;
  for (const store::AggregateRow& r : *rows) {
    first = first ? std::min(*first, r.first_ts) : r.first_ts;
  }
  return first ? days_from_civil(zone.local_date(*first)) : fallback;
}

}  // namespace

Result<Summary> build_summary(store::Ledger& ledger, const ReportQuery& query, const Zone& zone,
                              TimeMs now, size_t top) {
  Summary s;
  s.now = now;
  s.range = query.since.has_value() || query.until.has_value();
  ReportQuery base = query;
  base.since.reset();
  base.until.reset();
  base.exact = false;
  const store::RecordFilter filter = make_filter(base, zone);
  if (s.range) {
    s.main = range_period(zone, query.since, query.until, now);
    s.spans = {s.main};
    s.periods.title = fmt::format("Spend {} ({})", s.main.name, zone.name());
  } else {
    s.spans = summary_periods(zone, now);
    s.main = s.spans.back();  // last 30 d
    s.periods.title =
        fmt::format("Spend as of {} ({})", format_local_time(now, zone), zone.name());
  }
  s.periods.key_names = {"period", "since", "until"};
  for (const Period& p : s.spans) {
    auto row = period_row(ledger, filter, p, query.standard_speed);
    TALLY_TRY(row);
    s.periods.rows.push_back(std::move(*row));
  }
  // The periods overlap, so the report's totals are the main period's and tables show no
  // TOTAL row.
  s.periods.totals = s.periods.rows.back().totals;
  s.periods.show_totals = false;

  ReportQuery main = base;
  main.exact = true;
  main.since_ms = s.main.since;
  main.until_ms = s.main.until;
  auto models = build_report(ledger, Grouping::model, main, zone);
  TALLY_TRY(models);
  s.models = std::move(*models);
  s.models.title = fmt::format("Top models, {}", s.main.name);
  // The summary warns once, above everything, for the period it covers.
  s.periods.warnings = std::move(s.models.warnings);
  s.models.warnings.clear();
  keep_top(s.models, top);
  auto projects = build_report(ledger, Grouping::project, main, zone);
  TALLY_TRY(projects);
  s.projects = std::move(*projects);
  s.projects.title = fmt::format("Top projects, {}", s.main.name);
  s.projects.warnings.clear();
  keep_top(s.projects, top);

  const long last = days_from_civil(last_day(s.main, zone));
  long first = last - 29;
  if (s.range) {
    auto start = query.since ? Result<long>(days_from_civil(*query.since))
                             : first_active_day(ledger, within(filter, s.main), zone, last);
    TALLY_TRY(start);
    first = std::min(*start, last);
    if (last - first + 1 > kMaxChartDays) {
      first = last - kMaxChartDays + 1;
      s.daily.cut = true;
    }
  } else {
    TALLY_TRY(add_rolling(ledger, filter, now, query.standard_speed, s));
    add_month(zone, now, s);
  }
  TALLY_TRY(add_daily(ledger, filter, zone, first, last, query.standard_speed, s.daily));
  return s;
}

}  // namespace tally::analytics
