#pragma once

// One row of a price table: the rates of one model from one date on.
//
// Rows come from three places (the built-in data/prices.toml, an imported LiteLLM or
// models.dev table, the user's [pricing.models] overrides). Each source fills a `RowSpec`,
// where most rates may be absent, and `resolve_row` turns it into a `PriceRow` with every
// rate explicit, applying the defaults of spec rule 2 in one place. Everything after
// resolution (pricing, writing, fingerprinting) sees only complete rows.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/time.h"

namespace tally::pricing {

// USD per million tokens for each billed bucket.
struct Rates {
  double input = 0;
  double output = 0;
  double cache_read = 0;
  double cache_write_5m = 0;
  double cache_write_1h = 0;
  bool operator==(const Rates&) const = default;
};

// A complete row. Invariants (checked by resolve_row): rates finite and >= 0, multipliers
// finite and > 0, `long_context_threshold` >= 0.
struct PriceRow {
  std::string key;       // model name, lower case
  std::string provider;  // "anthropic", "openai", "google", ... ("" when unknown)
  Date since;            // first UTC day the row applies
  Rates standard;
  // 0 means no long-context tier. When a request's prompt exceeds it, every token of the
  // request is billed at `long_context` (spec rule 3).
  std::int64_t long_context_threshold = 0;
  Rates long_context;
  // Explicit rates for service tier "priority" at standard context, when published.
  std::optional<Rates> priority;
  // Applied for "priority" when `priority` is absent, and to long-context rates.
  double priority_multiplier = 1;
  double fast_multiplier = 1;  // speed "fast"; 1 = no fast pricing, bills standard
  double flex_multiplier = 0.5;
  double batch_multiplier = 0.5;
  // Data-residency uplifts: every bucket of a request served in that region (the record's
  // inference_geo "us" / "eu") is billed x this. 1 = no uplift (the region bills global).
  double us_multiplier = 1;
  double eu_multiplier = 1;

  bool has_long_context() const { return long_context_threshold > 0; }
  bool operator==(const PriceRow&) const = default;
};

// Rates as a source gives them; absent ones are derived.
struct RateSpec {
  std::optional<double> input;
  std::optional<double> output;
  std::optional<double> cache_read;
  std::optional<double> cache_write_5m;
  std::optional<double> cache_write_1h;
};

struct RowSpec {
  std::string key;
  std::string provider;
  Date since;  // 1970-01-01 unless the source says otherwise
  RateSpec standard;
  std::int64_t long_context_threshold = 0;
  RateSpec long_context;  // read only when the threshold is > 0
  RateSpec priority;      // all absent: no explicit priority rates
  std::optional<double> priority_multiplier;
  std::optional<double> fast_multiplier;
  std::optional<double> flex_multiplier;
  std::optional<double> batch_multiplier;
  std::optional<double> us_multiplier;
  std::optional<double> eu_multiplier;
};

// Whether `provider` bills cache writes. OpenAI and Google do not (spec rule 2); every
// other provider gets Anthropic's multipliers, which is also right for Claude served by
// Bedrock, Vertex or Azure.
bool provider_bills_cache_writes(std::string_view provider);

// The provider family of a model from a third-party list: "anthropic", "openai" or "google"
// when the provider or the model name says so ("bedrock" + "claude-..." is anthropic,
// "azure" is openai, "vertex_ai-language-models" + "gemini-..." is google), else `provider`.
std::string provider_family(std::string_view provider, std::string_view model);

// Builds a complete row from `spec`:
//   cache_read = 0.1 x input; cache_write_5m = 1.25 x input and cache_write_1h = 2 x input
//   when the provider bills cache writes, else 0. Long-context cache rates derive the same
//   way from the long-context input. Explicit priority rates: cache_read = 0.1 x priority
//   input, writes = standard writes x priority_multiplier; priority_multiplier defaults to
//   priority.input / input (1 when input is 0), or 1 without priority rates. fast 1, flex
//   and batch 0.5.
// Derived rates go through round_rate, so 0.1 x 3 prints as 0.3.
// Fails (Errc::invalid_argument, naming the key) when the key is empty, input or output is
// missing, a rate is negative or not finite, a multiplier is not > 0, the threshold is
// negative, or a long-context tier or priority rates lack input or output.
Result<PriceRow> resolve_row(const RowSpec& spec);

// `rate` ($/MTok) rounded to 1e-9 $/MTok: 1e-15 $/token, far below any real price and far
// above double noise, so 0.1 x 3 and 3e-06 x 1e6 both read back as clean numbers.
double round_rate(double rate);

// Milliseconds since the epoch at 00:00 UTC of `date`.
TimeMs start_of_day_utc(const Date& date);

}  // namespace tally::pricing
