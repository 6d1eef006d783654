#include "pricing/cost_rules.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "pricing/model_lookup.h"

namespace tally::pricing {
namespace {

constexpr double kTokensPerMillion = 1'000'000.0;

Rates scaled(const Rates& r, double m) {
  return Rates{r.input * m, r.output * m, r.cache_read * m, r.cache_write_5m * m,
               r.cache_write_1h * m};
}

double usd(std::int64_t tokens, double rate_per_mtok) {
  return tokens <= 0 ? 0.0 : static_cast<double>(tokens) * rate_per_mtok / kTokensPerMillion;
}

}  // namespace

ServiceTier parse_service_tier(std::string_view tier) {
  const std::string t = ascii_lower(tier);
  if (t == "priority") {
    return ServiceTier::priority;
  }
  if (t == "flex") {
    return ServiceTier::flex;
  }
  if (t == "batch") {
    return ServiceTier::batch;
  }
  return ServiceTier::standard;
}

Region parse_region(std::string_view geo) {
  const std::string g = ascii_lower(geo);
  if (g == "us") {
    return Region::us;
  }
  if (g == "eu") {
    return Region::eu;
  }
  return Region::global;
}

Billing billing_of(const UsageRecord& record) {
  return Billing{ascii_lower(record.speed) == "fast", parse_service_tier(record.service_tier),
                 parse_region(record.inference_geo)};
}

Billing standard_speed(Billing billing) {
  billing.fast = false;
  if (billing.tier == ServiceTier::priority) {
    billing.tier = ServiceTier::standard;
  }
  return billing;
}

bool is_long_context(const PriceRow& row, const TokenCounts& tokens) {
  return row.has_long_context() && tokens.prompt() > row.long_context_threshold;
}

Rates effective_rates(const PriceRow& row, const TokenCounts& tokens, const Billing& billing) {
  const bool long_context = is_long_context(row, tokens);
  Rates rates = long_context ? row.long_context : row.standard;
  double multiplier = billing.fast ? row.fast_multiplier : 1.0;
  switch (billing.region) {
    case Region::global:
      break;
    case Region::us:
      multiplier *= row.us_multiplier;
      break;
    case Region::eu:
      multiplier *= row.eu_multiplier;
      break;
  }
  switch (billing.tier) {
    case ServiceTier::standard:
      break;
    case ServiceTier::priority:
      if (row.priority && !long_context) {
        rates = *row.priority;
      } else {
        multiplier *= row.priority_multiplier;
      }
      break;
    case ServiceTier::flex:
      multiplier *= row.flex_multiplier;
      break;
    case ServiceTier::batch:
      multiplier *= row.batch_multiplier;
      break;
  }
  return multiplier == 1.0 ? rates : scaled(rates, multiplier);
}

BucketCosts bucket_costs(const PriceRow& row, const TokenCounts& tokens, const Billing& billing) {
  const Rates r = effective_rates(row, tokens, billing);
  const std::int64_t write_1h = std::clamp<std::int64_t>(
      tokens.cache_write_1h, 0, std::max<std::int64_t>(tokens.cache_write, 0));
  const std::int64_t write_5m = std::max<std::int64_t>(tokens.cache_write, 0) - write_1h;
  BucketCosts c;
  c.input = usd(tokens.input, r.input);
  c.cache_read = usd(tokens.cache_read, r.cache_read);
  c.cache_write_5m = usd(write_5m, r.cache_write_5m);
  c.cache_write_1h = usd(write_1h, r.cache_write_1h);
  c.output = usd(tokens.output, r.output);
  return c;
}

}  // namespace tally::pricing
