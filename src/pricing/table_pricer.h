#pragma once

// The Pricer tally uses: a layered price table plus user aliases.
//
// price(record):
//   1. find the model (model_lookup.h steps; at each step an alias beats the table) and the
//      row valid at the record's timestamp (PriceTable::find);
//   2. found: cost by cost_rules.h, source computed, priced_as = the row's key;
//   3. not found: the record's own reported cost (agent_reported), else unpriced with 0.

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "pricing/config.h"
#include "pricing/cost_rules.h"
#include "pricing/price_table.h"
#include "pricing/pricer.h"

namespace tally::pricing {

// Bump when the pricing arithmetic changes, so every fingerprint changes and the ledger
// reprices its history. 2: data-residency uplifts (PriceRow::us_multiplier/eu_multiplier).
inline constexpr int kPricingRulesVersion = 2;

// How a model name was matched (for `tally prices show` and diagnostics).
enum class MatchStep { alias, exact, prefix, date_suffix, version };

std::string_view match_step_name(MatchStep step);

struct Match {
  const PriceRow* row = nullptr;  // lives as long as the TablePricer
  MatchStep step = MatchStep::exact;
  std::string alias_target;  // the alias's target when step == alias
};

class TablePricer final : public Pricer {
 public:
  // Fails (Errc::invalid_argument) when an alias's target is not in `table`.
  static Result<std::unique_ptr<TablePricer>> create(PriceTable table, Aliases aliases);

  Cost price(const UsageRecord& record) const override;
  std::string fingerprint() const override { return fingerprint_; }

  // The row that prices `model` at `ts`, and how it was found; nullopt when unknown.
  std::optional<Match> match(std::string_view model, TimeMs ts) const;
  // Per-bucket cost of `record` when its model is known at its timestamp.
  std::optional<BucketCosts> bucket_costs_for(const UsageRecord& record) const;

  const PriceTable& table() const { return table_; }
  const Aliases& aliases() const { return aliases_; }

 private:
  TablePricer(PriceTable table, Aliases aliases);
  // Lookup without aliases (alias targets and the table proper).
  std::optional<Match> match_table(std::string_view model, TimeMs ts) const;

  PriceTable table_;
  Aliases aliases_;
  std::string fingerprint_;
};

// The fingerprint of `table` + `aliases`: "p<rules version>-<16 hex digits>", a 64-bit
// FNV-1a hash of the written table and the sorted aliases. Any rate, date, key or alias
// change changes it.
std::string pricing_fingerprint(const PriceTable& table, const Aliases& aliases);

}  // namespace tally::pricing
