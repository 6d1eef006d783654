#include "pricing/plan_comparison.h"

#include <algorithm>
#include <set>

namespace tally::pricing {
namespace {

Date first_of_next_month(const Date& d) {
  return d.month == 12 ? Date{d.year + 1, 1, 1} : Date{d.year, d.month + 1, 1};
}

long days_in_month(const Date& d) {
  return days_from_civil(first_of_next_month(d)) - days_from_civil(Date{d.year, d.month, 1});
}

double ratio(double api_usd, double plan_usd) { return plan_usd > 0 ? api_usd / plan_usd : 0.0; }

}  // namespace

long period_days(const Period& period) {
  return std::max(0L, days_from_civil(period.last) - days_from_civil(period.first) + 1);
}

double prorated_plan_usd(double monthly_usd, const Period& period) {
  const long last = days_from_civil(period.last);
  long day = days_from_civil(period.first);
  double usd = 0;
  // One step per calendar month touched. The fraction is taken first so a whole month
  // adds monthly_usd x 1.0, exactly the price.
  while (day <= last) {
    const Date d = civil_from_days(day);
    const long month_end = days_from_civil(first_of_next_month(d)) - 1;
    const long days = std::min(month_end, last) - day + 1;
    usd += monthly_usd * (static_cast<double>(days) / static_cast<double>(days_in_month(d)));
    day += days;
  }
  return usd;
}

PlanComparison compare_plan(const Plan& plan, const AgentCosts& api_usd, const Period& period) {
  PlanComparison c;
  if (const auto it = api_usd.find(plan.agent); it != api_usd.end()) {
    c.api_equivalent_usd = it->second;
  }
  c.plan_usd = prorated_plan_usd(plan.monthly_usd, period);
  c.ratio = ratio(c.api_equivalent_usd, c.plan_usd);
  return c;
}

PlanComparison compare_plans(std::span<const Plan> plans, const AgentCosts& api_usd,
                             const Period& period) {
  PlanComparison c;
  std::set<Agent> counted;
  for (const Plan& plan : plans) {
    c.plan_usd += prorated_plan_usd(plan.monthly_usd, period);
    if (!counted.insert(plan.agent).second) {
      continue;  // parse_plans_config allows one plan per agent; never count usage twice
    }
    if (const auto it = api_usd.find(plan.agent); it != api_usd.end()) {
      c.api_equivalent_usd += it->second;
    }
  }
  c.ratio = ratio(c.api_equivalent_usd, c.plan_usd);
  return c;
}

}  // namespace tally::pricing
