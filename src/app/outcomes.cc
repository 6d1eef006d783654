#include "app/outcomes.h"

namespace tally::app {

Result<analytics::OutcomeReport> gather_outcomes(store::Ledger& ledger,
                                                 const store::RecordFilter& filter,
                                                 const outcomes::AttributeOptions& options) {
  auto facts = ledger.sessions("");
  TALLY_TRY(facts);
  outcomes::Attribution found = outcomes::attribute(*facts, options);
  return analytics::build_outcome_report(ledger, filter, *facts, std::move(found.sessions),
                                         std::move(found.warnings));
}

}  // namespace tally::app
