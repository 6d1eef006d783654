#pragma once

// The arithmetic of spec §0: tokens x rate per bucket, with the long-context tier, fast mode
// and service tier applied. Pure functions of one row and one request's tokens.
//
//   buckets   fresh input, cache read, cache write 5m (= cache_write - cache_write_1h),
//             cache write 1h, output. Reasoning is inside output and never billed again.
//   tier      prompt() = input + cache read + cache write > row threshold (strictly) =>
//             every bucket at the long-context rates, not just the excess (rule 3).
//   fast      speed "fast" => x fast_multiplier (1 for models without fast pricing).
//   service   "priority" => explicit priority rates at standard context when the row has
//             them, else (and always at long context) x priority_multiplier;
//             "flex" => x flex_multiplier; "batch" => x batch_multiplier; anything else
//             ("", "standard", "default", "auto", "scale", ...) => standard.
// Multipliers stack (fast x service tier). Not modelled: data-residency uplifts (the usage
// record carries no inference region).

#include <string_view>

#include "core/usage.h"
#include "pricing/price_row.h"

namespace tally::pricing {

enum class ServiceTier { standard, priority, flex, batch };

// Maps a logged service tier ("priority", "Flex", "batch", ...) to the billed tier;
// unknown and empty values are standard.
ServiceTier parse_service_tier(std::string_view tier);

// USD per bucket for one request.
struct BucketCosts {
  double input = 0;
  double cache_read = 0;
  double cache_write_5m = 0;
  double cache_write_1h = 0;
  double output = 0;
  double total() const { return input + cache_read + cache_write_5m + cache_write_1h + output; }
};

// Whether `tokens` is billed at the long-context rates of `row`.
bool is_long_context(const PriceRow& row, const TokenCounts& tokens);

// The rates actually applied to one request (multipliers folded in), in $/MTok.
Rates effective_rates(const PriceRow& row, const TokenCounts& tokens, bool fast, ServiceTier tier);

// Cost of one request. Negative counts (corrupt input) count as 0, and cache_write_1h is
// capped at cache_write.
BucketCosts bucket_costs(const PriceRow& row, const TokenCounts& tokens, bool fast,
                         ServiceTier tier);

}  // namespace tally::pricing
