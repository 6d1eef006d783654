#pragma once

// The pricing contract used by the rest of tally. Implemented in src/pricing; see
// ../shared/spec/pricing.md for the rules (cache buckets, long-context tiers applied to the
// whole request, speed/tier multipliers, validity dates, unknown-model lookup order).

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/usage.h"

namespace tally::pricing {

struct Cost {
  double usd = 0;  // 0 when unpriced
  // The same record as if it had run at standard speed and without priority processing
  // (the `--speed standard` what-if). Flex/batch discounts and data-residency uplifts stay.
  // Equal to `usd` when neither applied, and for agent-reported and unpriced costs.
  double standard_usd = 0;
  CostSource source = CostSource::unpriced;
  std::string priced_as;  // the table key that priced it ("" unless computed)
};

// Prices usage records. Immutable after construction; safe to share across threads.
class Pricer {
 public:
  virtual ~Pricer() = default;
  // Cost of `record`: computed when the table knows its model at its timestamp; else the
  // record's own reported cost (agent-reported); else unpriced with usd = 0.
  virtual Cost price(const UsageRecord& record) const = 0;
  // Changes whenever any price, alias or override changes: the ledger reprices its history
  // when the fingerprint it priced with differs.
  virtual std::string fingerprint() const = 0;
};

}  // namespace tally::pricing
