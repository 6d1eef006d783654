#pragma once

// The fast-mode share of a report, one sentence that the terminal table and the HTML report
// both print under their table (issue 17: "the standard-speed cost next to the actual cost,
// and the share of requests in fast/priority mode, in one run").

#include <string>

#include "analytics/report.h"

namespace tally::render {

// "fast mode or priority: 312 of 2,410 requests (12.9%); at standard speed $6,200.00
// instead of $8,889.12", or without the second half when the two costs are equal (models
// without fast pricing, or the `--speed standard` what-if). "" when no request ran fast.
std::string fast_share_line(const analytics::Totals& totals);

}  // namespace tally::render
