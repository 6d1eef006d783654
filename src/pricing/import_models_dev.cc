#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "pricing/import.h"
#include "pricing/model_lookup.h"

namespace tally::pricing {
namespace {

constexpr std::int64_t kContextOver200k = 200'000;

bool is_first_party(std::string_view provider) {
  return provider == "anthropic" || provider == "openai" || provider == "google";
}

std::optional<double> rate(simdjson::dom::object cost, std::string_view field) {
  double v = 0;
  if (cost[field].get_double().get(v) != simdjson::SUCCESS || !std::isfinite(v)) {
    return std::nullopt;
  }
  return round_rate(v);
}

// models.dev has one cache-write price: the 5-minute one. The 1h price derives from it.
RateSpec rates_of(simdjson::dom::object cost) {
  RateSpec r;
  r.input = rate(cost, "input");
  r.output = rate(cost, "output");
  r.cache_read = rate(cost, "cache_read");
  r.cache_write_5m = rate(cost, "cache_write");
  return r;
}

}  // namespace

Result<ImportReport> import_models_dev(std::string_view json, const ImportOptions& options) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(json.data(), json.size());
  simdjson::dom::object root;
  if (const auto err = parser.parse(padded).get_object().get(root); err != simdjson::SUCCESS) {
    return fail(Errc::parse, fmt::format("models.dev api.json: not a JSON object ({})",
                                         simdjson::error_message(err)));
  }
  ImportReport report;
  std::set<std::string, std::less<>> seen;
  for (const auto provider : root) {
    simdjson::dom::object models;
    if (provider.value["models"].get_object().get(models) != simdjson::SUCCESS) {
      continue;  // not a provider entry
    }
    const std::string provider_id = ascii_lower(provider.key);
    for (const auto model : models) {
      simdjson::dom::object cost;
      if (model.value["cost"].get_object().get(cost) != simdjson::SUCCESS) {
        ++report.skipped;
        continue;
      }
      const std::string id = ascii_lower(model.key);
      std::string key = is_first_party(provider_id) ? id : fmt::format("{}/{}", provider_id, id);
      if (seen.count(key) != 0) {
        ++report.skipped;
        continue;
      }
      RowSpec spec;
      spec.key = key;
      spec.provider = provider_family(provider_id, id);
      spec.since = options.since;
      spec.standard = rates_of(cost);
      simdjson::dom::object over;
      if (cost["context_over_200k"].get_object().get(over) == simdjson::SUCCESS) {
        spec.long_context = rates_of(over);
        if (spec.long_context.input) {
          if (!spec.long_context.output) {
            spec.long_context.output = spec.standard.output;
          }
          spec.long_context_threshold = kContextOver200k;
        }
      }
      auto row = resolve_row(spec);
      if (!row) {
        ++report.skipped;
        continue;
      }
      seen.insert(std::move(key));
      report.rows.push_back(std::move(*row));
    }
  }
  std::sort(report.rows.begin(), report.rows.end(),
            [](const PriceRow& a, const PriceRow& b) { return a.key < b.key; });
  return report;
}

}  // namespace tally::pricing
