#include "analytics/summary.h"

#include <fmt/format.h>

#include <set>

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
  return s;
}

}  // namespace tally::analytics
