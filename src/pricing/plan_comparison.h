#pragma once

// A subscription's price next to the API-equivalent cost of the usage it covered (spec
// rule 7), for the summary and the monthly report. Pure arithmetic, no I/O.
//
// Proration. Plans are priced per calendar month; reports cover calendar days in the
// user's zone. Each day of a period costs monthly_usd / (number of days in that day's
// month), so:
//   - a whole calendar month costs exactly monthly_usd (February as much as March);
//   - days inside one month cost monthly_usd x days / days-in-that-month;
//   - a period across months (a rolling "last 30 days", a week over a month's end) adds
//     each part at its own month's daily rate.
// One rule for calendar and rolling windows, chosen over a fixed 30-day month so that the
// monthly report's plan column is exactly the price the user pays; a rolling 30-day window
// then costs between 30/31 and 30/28 of the monthly price, depending on the months it
// touches. Billing cycles that do not start on the 1st are not modelled. A report of the
// current month so far passes the elapsed days (a part-month) or the whole month, as the
// view prefers; this file does not decide.

#include <map>
#include <span>

#include "core/time.h"
#include "core/usage.h"
#include "pricing/plans.h"

namespace tally::pricing {

// Calendar days `first` through `last`, both included. Empty when last < first.
struct Period {
  Date first;
  Date last;
};

// Number of days in `period` (0 when empty).
long period_days(const Period& period);

// The share of a `monthly_usd` price that falls in `period` (see the proration rule above).
// 0 for an empty period. Dates must be real days.
double prorated_plan_usd(double monthly_usd, const Period& period);

struct PlanComparison {
  double api_equivalent_usd = 0;  // what the covered usage would have cost at API prices
  double plan_usd = 0;            // the plans' prices prorated to the period
  // api_equivalent_usd / plan_usd: 3.0 means the usage was worth three times the plan.
  // 0 when plan_usd is 0 (a free plan or an empty period has no meaningful ratio).
  double ratio = 0;

  // What the plan saved against paying per token; negative when the plan cost more.
  double saved_usd() const { return api_equivalent_usd - plan_usd; }
};

// API-equivalent cost (Cost::usd summed over the period) per agent. Agents missing from the
// map had no usage.
using AgentCosts = std::map<Agent, double>;

// One plan against its agent's API-equivalent cost over `period`.
PlanComparison compare_plan(const Plan& plan, const AgentCosts& api_usd, const Period& period);

// All `plans` together: the API-equivalent cost of the agents they cover (each agent once,
// agents without a plan left out, since they are paid per token) against the sum of the
// prorated plan prices.
PlanComparison compare_plans(std::span<const Plan> plans, const AgentCosts& api_usd,
                             const Period& period);

}  // namespace tally::pricing
