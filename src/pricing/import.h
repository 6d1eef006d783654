#pragma once

// Importing community price lists into tally's table format (spec: "a command to import a
// LiteLLM model_prices_and_context_window.json or a models.dev api.json supplied by the
// user"). The CLI writes the result with write_price_table() into the user's data dir and
// layers it over the built-in table (config.h). Nothing here touches the network or files.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "pricing/price_row.h"

namespace tally::pricing {

struct ImportOptions {
  // `since` of every imported row. The sources carry no dates; the default (1970-01-01)
  // makes the imported price apply to all history.
  Date since;
};

struct ImportReport {
  std::vector<PriceRow> rows;  // ordered by key
  std::size_t skipped = 0;     // entries that are not priced chat models, or are malformed
};

// Reads LiteLLM's model_prices_and_context_window.json ($ per token). Imports entries of
// mode chat, responses or completion (or no mode) that have input and output prices;
// skips `sample_spec` and everything else. Keys are kept (lower-cased), so provider-prefixed
// keys such as "gemini/gemini-2.5-pro" stay distinct. Field mapping:
//   input/output_cost_per_token, cache_read_input_token_cost,
//   cache_creation_input_token_cost (5m write), cache_creation_input_token_cost_above_1hr
//   (really the 1h-TTL write price);
//   *_above_200k_tokens, else *_above_272k_tokens, else *_above_128k_tokens -> the one
//   long-context tier (output falls back to the standard price when only input is tiered);
//   *_priority (input and output both needed) -> explicit priority rates;
//   input_cost_per_token_flex / _batches -> flex / batch multipliers (ratio to input);
//   provider_specific_entry.fast -> fast multiplier;
//   regional_processing_uplift_multiplier_us/_eu, else provider_specific_entry.us/.eu ->
//   us / eu multipliers (data-residency uplifts).
// Not imported: `tiered_pricing` ranges, audio/image/search prices, Vertex's
// regional_endpoint_uplift_multiplier (the record does not say which endpoint served it).
// Fails (Errc::parse) when the text is not JSON or not a JSON object.
Result<ImportReport> import_litellm(std::string_view json, const ImportOptions& options = {});

// Reads a models.dev api.json: {provider: {models: {id: {cost: {input, output, cache_read,
// cache_write, context_over_200k?}}}}} in $ per MTok. Models of the first-party providers
// (anthropic, openai, google) keep their id as key; others are keyed "provider/id", which
// lookup reaches through prefix stripping only when no first-party key exists. Models
// without input and output cost are skipped. Fails (Errc::parse) on invalid JSON.
Result<ImportReport> import_models_dev(std::string_view json, const ImportOptions& options = {});

}  // namespace tally::pricing
