#pragma once

// The arithmetic of spec §0: tokens x rate per bucket, with the long-context tier, fast mode,
// service tier and data-residency region applied. Pure functions of one row, one request's
// tokens and how that request was billed.
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
//   region    inference_geo "us" => x us_multiplier, "eu" => x eu_multiplier (1.1 on
//             Claude 4.6+ for "us" and GPT-5.4/5.5 for both; 1 elsewhere); "", "global"
//             and anything else => no uplift. Anthropic applies it to every token category.
// Multipliers stack (fast x service tier x region), as Anthropic's pricing page says fast
// mode and data residency do.

#include <string_view>

#include "core/usage.h"
#include "pricing/price_row.h"

namespace tally::pricing {

enum class ServiceTier { standard, priority, flex, batch };

// Maps a logged service tier ("priority", "Flex", "batch", ...) to the billed tier;
// unknown and empty values are standard.
ServiceTier parse_service_tier(std::string_view tier);

// Where a request was processed, as far as its price is concerned.
enum class Region { global, us, eu };

// Maps a logged inference region ("us", "US", "eu") to the billed region; "", "global" and
// unknown values are global (no uplift).
Region parse_region(std::string_view geo);

// How one request is billed beyond its token counts.
struct Billing {
  bool fast = false;
  ServiceTier tier = ServiceTier::standard;
  Region region = Region::global;
};

// The billing of `record`: speed "fast" (any case), its service tier and inference_geo.
Billing billing_of(const UsageRecord& record);

// `billing` with fast mode and priority processing taken back to standard (the
// `--speed standard` what-if behind Cost::standard_usd). Flex and batch stay the discounts
// they are, and the region stays: the request would still have run there.
Billing standard_speed(Billing billing);

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
Rates effective_rates(const PriceRow& row, const TokenCounts& tokens, const Billing& billing);

// Cost of one request. Negative counts (corrupt input) count as 0, and cache_write_1h is
// capped at cache_write.
BucketCosts bucket_costs(const PriceRow& row, const TokenCounts& tokens, const Billing& billing);

}  // namespace tally::pricing
