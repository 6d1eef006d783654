#include "pricing/config.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include "pricing/builtin_table.h"
#include "pricing/toml_row.h"

namespace tally::pricing {
namespace {

Unexpected parse_fail(std::string_view source, const toml::node& node, std::string_view what) {
  return fail(Errc::parse, fmt::format("{}{}", detail::where(source, node), what));
}

Status read_aliases(std::string_view source, const toml::node& node, Aliases& out) {
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return parse_fail(source, node, "[pricing.aliases] must be a table");
  }
  for (const auto& [k, v] : *table) {
    if (!v.is_string()) {
      return parse_fail(source, v, fmt::format("alias '{}' must name a model (a string)", k.str()));
    }
    const std::string target(v.value<std::string_view>().value_or(""));
    if (k.str().empty() || target.empty()) {
      return parse_fail(source, v, "aliases need a non-empty name and target");
    }
    out.insert_or_assign(std::string(k.str()), target);
  }
  return ok();
}

Status read_model_row(std::string_view source, std::string_view key, const toml::node& node,
                      std::vector<PriceRow>& out) {
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return parse_fail(
        source, node,
        fmt::format("[pricing.models.\"{}\"] must be a table or an array of tables", key));
  }
  auto spec = detail::row_spec_from_toml(*table, std::string(key), false, source);
  if (!spec) {
    return Unexpected{spec.error()};
  }
  auto row = resolve_row(*spec);
  if (!row) {
    return parse_fail(source, node, row.error().message);
  }
  out.push_back(std::move(*row));
  return ok();
}

Status read_models(std::string_view source, const toml::node& node, std::vector<PriceRow>& out) {
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return parse_fail(source, node, "[pricing.models] must be a table");
  }
  for (const auto& [k, v] : *table) {
    if (const toml::array* rows = v.as_array()) {
      for (const toml::node& row : *rows) {
        TALLY_TRY(read_model_row(source, k.str(), row, out));
      }
    } else {
      TALLY_TRY(read_model_row(source, k.str(), v, out));
    }
  }
  return ok();
}

}  // namespace

Result<PricingConfig> parse_pricing_config(std::string_view toml_text, std::string_view source) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return fail(Errc::parse,
                fmt::format("{}:{}: {}", source, e.source().begin.line, e.description()));
  }
  PricingConfig config;
  const toml::node* pricing = root.get("pricing");
  if (pricing == nullptr) {
    return config;
  }
  const toml::table* table = pricing->as_table();
  if (table == nullptr) {
    return parse_fail(source, *pricing, "[pricing] must be a table");
  }
  for (const auto& [k, v] : *table) {
    if (k.str() == "aliases") {
      TALLY_TRY(read_aliases(source, v, config.aliases));
    } else if (k.str() == "models") {
      TALLY_TRY(read_models(source, v, config.overrides));
    } else {
      return parse_fail(
          source, v, fmt::format("unknown key 'pricing.{}' (expected aliases or models)", k.str()));
    }
  }
  return config;
}

Result<PriceTable> build_price_table(const PricingConfig& config) {
  auto imported = PriceTable::from_rows(config.imported);
  if (!imported) {
    return Unexpected{imported.error()};
  }
  auto overrides = PriceTable::from_rows(config.overrides);
  if (!overrides) {
    return Unexpected{overrides.error()};
  }
  return builtin_price_table().overlaid_with(*imported).overlaid_with(*overrides);
}

}  // namespace tally::pricing
