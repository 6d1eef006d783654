#pragma once

// The user's pricing settings, layered over the built-in table.
//
// Config file shape (the [pricing] part of tally's TOML config; prices in $ per MTok,
// row fields as in data/prices.toml, `key` implied by the table name):
//
//   [pricing.aliases]
//   "claude-opus-5-5" = "claude-opus-4-8"     # price a model as another one
//
//   [pricing.models."my-local-model"]         # a new model, or the whole price of a
//   provider = "local"                         # built-in one (it replaces every built-in
//   input = 0.0                                # row of that key, so restate the fields
//   output = 0.0                               # you want to keep)
//
//   [[pricing.models."claude-opus-4-8"]]       # array form: several rows with `since`
//   since = 2026-07-01
//   input = 5.0
//   output = 25.0
//
// Layers, lowest first: built-in table < imported table (a LiteLLM or models.dev import the
// CLI keeps in the data dir) < [pricing.models] overrides. Within each layer above the
// built-in, a key's rows replace all lower rows of that key.
//
// An alias maps a model name to a target model name. The alias is tried before the table at
// every lookup step, so "claude-opus-5-5" also catches "anthropic/claude-opus-5-5-20261101".
// The target is looked up with the normal steps but without aliases (no chains, no cycles)
// and must exist in the layered table.

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "pricing/price_row.h"
#include "pricing/price_table.h"

namespace tally::pricing {

using Aliases = std::map<std::string, std::string, std::less<>>;

struct PricingConfig {
  Aliases aliases;
  std::vector<PriceRow> overrides;  // [pricing.models]
  std::vector<PriceRow> imported;   // an imported table (see table_format.h, import.h)
};

// Reads the [pricing] table of a tally config file; other top-level tables are ignored, a
// file without [pricing] gives an empty config. `source` names the text in errors.
// Fails (Errc::parse, with the line) on invalid TOML, keys under [pricing] other than
// `aliases` and `models`, non-string alias targets, and rows resolve_row rejects.
Result<PricingConfig> parse_pricing_config(std::string_view toml_text,
                                           std::string_view source = "config");

// The built-in table with `config.imported` and then `config.overrides` layered on top.
// Fails when a layer has two rows with the same key and `since`.
Result<PriceTable> build_price_table(const PricingConfig& config);

}  // namespace tally::pricing
