#include "analytics/summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "analytics/windows.h"

namespace tally::analytics {
namespace {

Result<ReportRow> period_row(store::Ledger& ledger, store::RecordFilter filter, std::string name,
                             TimeMs since, TimeMs until, bool standard_speed) {
  filter.since = since;
  filter.until = until;
  store::GroupBy group;
  group.agent = true;
  group.model = true;
  auto rows = ledger.aggregate(filter, group);
  TALLY_TRY(rows);
  ReportRow row;
  row.keys = {{"period", std::move(name)}};
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

constexpr TimeMs kDayMs = 24LL * 60 * 60 * 1000;

Status add_rolling(store::Ledger& ledger, const store::RecordFilter& filter, TimeMs now,
                   bool standard_speed, RollingSummary& r) {
  r.since_24h = window_start(now, kDayMs);
  r.since_7d = window_start(now, 7 * kDayMs);
  r.since_30d = window_start(now, 30 * kDayMs);
  // The end of now's bucket keeps every query on the rollup; nothing is later than now.
  const TimeMs end = window_start(now, 0) + store::kBucketMs;
  auto day = totals_between(ledger, filter, r.since_24h, end, standard_speed);
  TALLY_TRY(day);
  r.last_24h = *day;
  auto week = totals_between(ledger, filter, r.since_7d, end, standard_speed);
  TALLY_TRY(week);
  r.last_7d = *week;
  auto month = totals_between(ledger, filter, r.since_30d, end, standard_speed);
  TALLY_TRY(month);
  r.last_30d = *month;
  auto previous = totals_between(ledger, filter, r.since_30d, r.since_24h, standard_speed);
  TALLY_TRY(previous);
  r.previous_29d = *previous;
  const auto tokens = [](const Totals& t) { return static_cast<double>(t.tokens.total()); };
  r.share_of_30d_cost = ratio(r.last_24h.cost_usd, r.last_30d.cost_usd);
  r.share_of_30d_tokens = ratio(tokens(r.last_24h), tokens(r.last_30d));
  r.ratio_to_previous_29d_cost = ratio(r.last_24h.cost_usd, r.previous_29d.cost_usd);
  r.ratio_to_previous_29d_tokens = ratio(tokens(r.last_24h), tokens(r.previous_29d));
  return ok();
}

Status add_daily(store::Ledger& ledger, store::RecordFilter filter, const Zone& zone,
                 const Date& today, bool standard_speed, DailyByModel& daily) {
  const long last = days_from_civil(today);
  for (long d = last - 29; d <= last; ++d) {
    daily.days.push_back(civil_from_days(d));
  }
  filter.since = zone.start_of(daily.days.front());
  filter.until = zone.start_of(civil_from_days(last + 1));
  store::GroupBy group;
  group.time_bucket = true;
  group.model = true;
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

}  // namespace

Result<Summary> build_summary(store::Ledger& ledger, const ReportQuery& query, const Zone& zone,
                              TimeMs now, size_t top) {
  Summary s;
  ReportQuery base = query;
  base.since.reset();
  base.until.reset();
  const store::RecordFilter filter = make_filter(base, zone);
  const Date today = zone.local_date(now);
  auto day = [&](long back) { return civil_from_days(days_from_civil(today) - back); };
  const TimeMs today_start = zone.start_of(today);
  const TimeMs tomorrow_start = zone.start_of(day(-1));

  s.periods.title = fmt::format("Spend as of {} ({})", format_date(today), zone.name());
  s.periods.key_names = {"period"};
  struct Period {
    const char* name;
    TimeMs since;
    TimeMs until;
  };
  const Period periods[] = {
      {"today", today_start, tomorrow_start},
      {"yesterday", zone.start_of(day(1)), today_start},
      {"last 7 days", zone.start_of(day(6)), tomorrow_start},
      {"last 30 days", zone.start_of(day(29)), tomorrow_start},
  };
  for (const Period& p : periods) {
    auto row = period_row(ledger, filter, p.name, p.since, p.until, query.standard_speed);
    TALLY_TRY(row);
    s.periods.rows.push_back(std::move(*row));
  }
  // The periods overlap, so the report's totals are the widest period and tables show no
  // TOTAL row.
  s.periods.totals = s.periods.rows.back().totals;
  s.periods.show_totals = false;

  ReportQuery month = base;
  month.since = day(29);
  month.until = today;
  auto models = build_report(ledger, Grouping::model, month, zone);
  TALLY_TRY(models);
  s.models = std::move(*models);
  s.models.title = "Top models, last 30 days";
  // The summary warns once, above everything, for the 30 days it covers.
  s.periods.warnings = std::move(s.models.warnings);
  s.models.warnings.clear();
  keep_top(s.models, top);
  auto projects = build_report(ledger, Grouping::project, month, zone);
  TALLY_TRY(projects);
  s.projects = std::move(*projects);
  s.projects.title = "Top projects, last 30 days";
  s.projects.warnings.clear();
  keep_top(s.projects, top);

  s.now = now;
  auto so_far = totals_between(ledger, filter, today_start, now + 1, query.standard_speed);
  TALLY_TRY(so_far);
  s.today_so_far = *so_far;
  // The same local clock time yesterday; on a DST change day that is 23 or 25 hours back.
  const TimeMs yesterday_start = zone.start_of(day(1));
  const TimeMs back = now - kDayMs + (zone.utc_offset(now) - zone.utc_offset(now - kDayMs)) * 1000;
  s.yesterday_until = std::clamp(back, yesterday_start, today_start);
  auto same_time =
      totals_between(ledger, filter, yesterday_start, s.yesterday_until, query.standard_speed);
  TALLY_TRY(same_time);
  s.yesterday_same_time = *same_time;
  TALLY_TRY(add_rolling(ledger, filter, now, query.standard_speed, s.rolling));
  TALLY_TRY(add_daily(ledger, filter, zone, today, query.standard_speed, s.daily));
  return s;
}

}  // namespace tally::analytics
