#pragma once

// Subscription plans next to API-equivalent cost (pricing.md rule 7). Heavy users pay a flat
// plan; finance compares it with what the same usage would have cost per token. Each plan
// line says: the covered agent's API-equivalent cost over the period, the plan price prorated
// to the period (a whole calendar month is exactly the list price), and their ratio.

#include <span>
#include <string>
#include <vector>

#include "analytics/report.h"
#include "core/result.h"
#include "core/time.h"
#include "pricing/plans.h"
#include "store/ledger.h"

namespace tally::analytics {

// Appends one note per plan for the local days [first, last] to `report`, labelled `period`.
Status add_plan_notes(store::Ledger& ledger, std::span<const pricing::Plan> plans,
                      const store::RecordFilter& base, const Zone& zone, const Date& first,
                      const Date& last, const std::string& period, Report& report);

// For a monthly report: one note per month row that has usage and per plan. The month
// holding `now` is compared to date: its usage so far against the plan price prorated to
// its days so far (issue 17: a 6-day-old month against a whole month's price said "0.0x").
Status add_monthly_plan_notes(store::Ledger& ledger, std::span<const pricing::Plan> plans,
                              const store::RecordFilter& base, const Zone& zone, TimeMs now,
                              Report& report);

}  // namespace tally::analytics
