#include "analytics/plans_view.h"

#include <fmt/format.h>

#include <algorithm>

#include "analytics/rollup.h"
#include "pricing/plan_comparison.h"

namespace tally::analytics {
namespace {

std::string usd(double v) { return fmt::format("${:.2f}", v); }

Result<pricing::AgentCosts> costs_by_agent(store::Ledger& ledger, store::RecordFilter filter,
                                           const Zone& zone, const Date& first, const Date& last) {
  filter.since = std::max(filter.since.value_or(INT64_MIN), zone.start_of(first));
  const TimeMs end = zone.start_of(civil_from_days(days_from_civil(last) + 1));
  filter.until = std::min(filter.until.value_or(INT64_MAX), end);
  store::GroupBy group;
  group.agent = true;
  auto rows = ledger.aggregate(filter, group);
  TALLY_TRY(rows);
  pricing::AgentCosts costs;
  for (const store::AggregateRow& r : *rows) {
    costs[r.agent] += r.cost_usd;
  }
  return costs;
}

}  // namespace

Status add_plan_notes(store::Ledger& ledger, std::span<const pricing::Plan> plans,
                      const store::RecordFilter& base, const Zone& zone, const Date& first,
                      const Date& last, const std::string& period, Report& report) {
  if (plans.empty()) {
    return ok();
  }
  auto costs = costs_by_agent(ledger, base, zone, first, last);
  TALLY_TRY(costs);
  const pricing::Period p{first, last};
  for (const pricing::Plan& plan : plans) {
    const pricing::PlanComparison c = pricing::compare_plan(plan, *costs, p);
    report.notes.push_back(fmt::format(
        "plan {} ({}, {}/month): {} API-equivalent {} vs plan {} = {:.1f}x the plan{}", plan.label,
        agent_name(plan.agent), usd(plan.monthly_usd), period, usd(c.api_equivalent_usd),
        usd(c.plan_usd), c.ratio,
        c.saved_usd() >= 0
            ? fmt::format(" (saved {})", usd(c.saved_usd()))
            : fmt::format(" (per-token would have been {} cheaper)", usd(-c.saved_usd()))));
  }
  return ok();
}

Status add_monthly_plan_notes(store::Ledger& ledger, std::span<const pricing::Plan> plans,
                              const store::RecordFilter& base, const Zone& zone, TimeMs now,
                              Report& report) {
  const Date today = zone.local_date(now);
  for (const ReportRow& row : report.rows) {
    if (row.keys.empty()) {
      continue;
    }
    const std::string& month = row.keys.front().second;  // "YYYY-MM"
    auto first = parse_date(month + "-01");
    if (!first) {
      continue;
    }
    Date next = *first;
    next.month = first->month == 12 ? 1 : first->month + 1;
    next.year = first->month == 12 ? first->year + 1 : first->year;
    const Date last = civil_from_days(days_from_civil(next) - 1);
    if (days_from_civil(*first) <= days_from_civil(today) &&
        days_from_civil(today) < days_from_civil(last)) {
      TALLY_TRY(add_plan_notes(ledger, plans, base, zone, *first, today,
                               fmt::format("{} to date ({} days)", month,
                                           days_from_civil(today) - days_from_civil(*first) + 1),
                               report));
      continue;
    }
    TALLY_TRY(add_plan_notes(ledger, plans, base, zone, *first, last, month, report));
  }
  return ok();
}

}  // namespace tally::analytics
