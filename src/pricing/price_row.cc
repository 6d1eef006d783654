#include "pricing/price_row.h"

#include <fmt/format.h>

#include <cmath>

namespace tally::pricing {
namespace {

constexpr double kCacheReadFactor = 0.1;
constexpr double kCacheWrite5mFactor = 1.25;
constexpr double kCacheWrite1hFactor = 2.0;
constexpr double kDefaultTierMultiplier = 0.5;
// Bounds that keep every cost finite: 2^53 tokens (the most a count may hold, core/usage.h)
// at kMaxRate times kMaxMultiplier is about 9e21 USD. The dearest row LiteLLM lists is
// 540,000 USD per million tokens; a rate past these is a typo, not a price.
constexpr double kMaxRate = 1e9;  // USD per million tokens
constexpr double kMaxMultiplier = 1e3;

Status check_rate(const std::string& key, std::string_view field, double value) {
  if (!std::isfinite(value) || value < 0 || value > kMaxRate) {
    return fail(Errc::invalid_argument,
                fmt::format("price row '{}': {} must be a rate from 0 to {:g} USD per million "
                            "tokens, got {}",
                            key, field, kMaxRate, value));
  }
  return ok();
}

Status check_multiplier(const std::string& key, std::string_view field, double value) {
  if (!std::isfinite(value) || value <= 0 || value > kMaxMultiplier) {
    return fail(Errc::invalid_argument,
                fmt::format("price row '{}': {} must be > 0 and at most {:g}, got {}", key,
                            field, kMaxMultiplier, value));
  }
  return ok();
}

// Resolves one rate set. `what` names it in errors ("", "long_context.", "priority.").
// `write_scale` set: derive writes as `standard writes x write_scale` (priority);
// otherwise from this set's input.
Result<Rates> resolve_rates(const std::string& key, std::string_view what, const RateSpec& spec,
                            bool bills_writes, const Rates* scaled_from, double write_scale) {
  if (!spec.input || !spec.output) {
    return fail(Errc::invalid_argument,
                fmt::format("price row '{}': {}input and {}output are required", key, what, what));
  }
  Rates r;
  r.input = *spec.input;
  r.output = *spec.output;
  r.cache_read = spec.cache_read ? *spec.cache_read : round_rate(kCacheReadFactor * r.input);
  if (scaled_from != nullptr) {
    r.cache_write_5m = spec.cache_write_5m ? *spec.cache_write_5m
                                           : round_rate(scaled_from->cache_write_5m * write_scale);
    r.cache_write_1h = spec.cache_write_1h ? *spec.cache_write_1h
                                           : round_rate(scaled_from->cache_write_1h * write_scale);
  } else {
    const double w5 = bills_writes ? round_rate(kCacheWrite5mFactor * r.input) : 0.0;
    const double w1 = bills_writes ? round_rate(kCacheWrite1hFactor * r.input) : 0.0;
    r.cache_write_5m = spec.cache_write_5m ? *spec.cache_write_5m : w5;
    r.cache_write_1h = spec.cache_write_1h ? *spec.cache_write_1h : w1;
  }
  const std::string prefix(what);
  TALLY_TRY(check_rate(key, prefix + "input", r.input));
  TALLY_TRY(check_rate(key, prefix + "output", r.output));
  TALLY_TRY(check_rate(key, prefix + "cache_read", r.cache_read));
  TALLY_TRY(check_rate(key, prefix + "cache_write_5m", r.cache_write_5m));
  TALLY_TRY(check_rate(key, prefix + "cache_write_1h", r.cache_write_1h));
  return r;
}

bool any_set(const RateSpec& s) {
  return s.input || s.output || s.cache_read || s.cache_write_5m || s.cache_write_1h;
}

}  // namespace

bool provider_bills_cache_writes(std::string_view provider) {
  return provider != "openai" && provider != "google";
}

std::string provider_family(std::string_view provider, std::string_view model) {
  const auto has = [](std::string_view s, std::string_view part) {
    return s.find(part) != std::string_view::npos;
  };
  if (has(model, "claude") || has(provider, "anthropic")) {
    return "anthropic";
  }
  if (has(model, "gemini") || has(provider, "gemini") || provider == "google" ||
      provider == "vertex_ai-language-models") {
    return "google";
  }
  const std::string_view base = model.substr(model.rfind('/') + 1);  // npos + 1 == 0
  if (provider == "openai" || provider == "azure" || provider == "text-completion-openai" ||
      has(base, "gpt-") || base == "o1" || base == "o3" || base == "o3-mini" || base == "o4-mini" ||
      base.substr(0, 6) == "codex-") {
    return "openai";
  }
  return std::string(provider);
}

double round_rate(double rate) { return std::round(rate * 1e9) / 1e9; }

TimeMs start_of_day_utc(const Date& date) {
  return static_cast<TimeMs>(days_from_civil(date)) * 86'400'000;
}

Result<PriceRow> resolve_row(const RowSpec& spec) {
  if (spec.key.empty()) {
    return fail(Errc::invalid_argument, "price row without a model key");
  }
  const bool bills_writes = provider_bills_cache_writes(spec.provider);
  PriceRow row;
  row.key = spec.key;
  row.provider = spec.provider;
  row.since = spec.since;

  auto standard = resolve_rates(spec.key, "", spec.standard, bills_writes, nullptr, 1.0);
  if (!standard) {
    return Unexpected{standard.error()};
  }
  row.standard = *standard;

  if (spec.long_context_threshold < 0) {
    return fail(Errc::invalid_argument,
                fmt::format("price row '{}': long_context.threshold must be >= 0", spec.key));
  }
  row.long_context_threshold = spec.long_context_threshold;
  if (row.has_long_context()) {
    auto lc =
        resolve_rates(spec.key, "long_context.", spec.long_context, bills_writes, nullptr, 1.0);
    if (!lc) {
      return Unexpected{lc.error()};
    }
    row.long_context = *lc;
  }

  if (spec.priority_multiplier) {
    row.priority_multiplier = *spec.priority_multiplier;
  } else if (spec.priority.input && row.standard.input > 0) {
    row.priority_multiplier = round_rate(*spec.priority.input / row.standard.input);
  }
  TALLY_TRY(check_multiplier(spec.key, "priority_multiplier", row.priority_multiplier));
  if (any_set(spec.priority)) {
    auto pr = resolve_rates(spec.key, "priority.", spec.priority, bills_writes, &row.standard,
                            row.priority_multiplier);
    if (!pr) {
      return Unexpected{pr.error()};
    }
    row.priority = *pr;
  }

  row.fast_multiplier = spec.fast_multiplier.value_or(1.0);
  row.flex_multiplier = spec.flex_multiplier.value_or(kDefaultTierMultiplier);
  row.batch_multiplier = spec.batch_multiplier.value_or(kDefaultTierMultiplier);
  TALLY_TRY(check_multiplier(spec.key, "fast_multiplier", row.fast_multiplier));
  TALLY_TRY(check_multiplier(spec.key, "flex_multiplier", row.flex_multiplier));
  TALLY_TRY(check_multiplier(spec.key, "batch_multiplier", row.batch_multiplier));
  row.us_multiplier = spec.us_multiplier.value_or(1.0);
  row.eu_multiplier = spec.eu_multiplier.value_or(1.0);
  TALLY_TRY(check_multiplier(spec.key, "us_multiplier", row.us_multiplier));
  TALLY_TRY(check_multiplier(spec.key, "eu_multiplier", row.eu_multiplier));
  return row;
}

}  // namespace tally::pricing
