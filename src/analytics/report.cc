#include "analytics/report.h"

namespace tally::analytics {
namespace {

int severity(CostSource s) {
  switch (s) {
    case CostSource::computed:
      return 0;
    case CostSource::agent_reported:
      return 1;
    case CostSource::unpriced:
      return 2;
  }
  return 2;
}

}  // namespace

void Totals::add(const Totals& o) {
  const bool was_empty = requests == 0;
  requests += o.requests;
  fast_requests += o.fast_requests;
  tokens += o.tokens;
  cost_usd += o.cost_usd;
  standard_cost_usd += o.standard_cost_usd;
  unpriced_requests += o.unpriced_requests;
  reported_requests += o.reported_requests;
  if (was_empty || severity(o.cost_source) > severity(cost_source)) {
    cost_source = o.cost_source;
  }
}

}  // namespace tally::analytics
