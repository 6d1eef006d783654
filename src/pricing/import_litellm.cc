#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <set>

#include "pricing/import.h"
#include "pricing/model_lookup.h"

namespace tally::pricing {
namespace {

constexpr double kTokensPerMillion = 1'000'000.0;

struct Tier {
  std::string_view suffix;
  std::int64_t threshold;
};
// Preference order when an entry has several tiers: tally's rows hold one.
constexpr std::array<Tier, 3> kTiers = {{{"_above_200k_tokens", 200'000},
                                         {"_above_272k_tokens", 272'000},
                                         {"_above_128k_tokens", 128'000}}};

// A per-token price as $/MTok, rounded so 3e-06 reads back as 3.
std::optional<double> per_mtok(simdjson::dom::object entry, const std::string& field) {
  double v = 0;
  if (entry[field].get_double().get(v) != simdjson::SUCCESS || !std::isfinite(v)) {
    return std::nullopt;
  }
  return round_rate(v * kTokensPerMillion);
}

// A positive finite multiplier, or nullopt when absent, not a number or out of range.
std::optional<double> multiplier(simdjson::simdjson_result<simdjson::dom::element> field) {
  double v = 0;
  if (field.get_double().get(v) != simdjson::SUCCESS || !std::isfinite(v) || v <= 0) {
    return std::nullopt;
  }
  return v;
}

std::optional<double> ratio(std::optional<double> part, std::optional<double> whole) {
  if (!part || !whole || *whole <= 0 || *part <= 0) {
    return std::nullopt;
  }
  return round_rate(*part / *whole);
}

bool is_priced_mode(simdjson::dom::object entry) {
  std::string_view mode;
  if (entry["mode"].get_string().get(mode) != simdjson::SUCCESS) {
    return true;  // no mode: judge by the prices alone
  }
  return mode == "chat" || mode == "responses" || mode == "completion";
}

RateSpec rates_with_suffix(simdjson::dom::object e, std::string_view suffix) {
  const std::string s(suffix);
  RateSpec r;
  r.input = per_mtok(e, "input_cost_per_token" + s);
  r.output = per_mtok(e, "output_cost_per_token" + s);
  r.cache_read = per_mtok(e, "cache_read_input_token_cost" + s);
  r.cache_write_5m = per_mtok(e, "cache_creation_input_token_cost" + s);
  // LiteLLM's "above_1hr" is the price of a write with a 1-hour TTL, not a time tier.
  r.cache_write_1h = per_mtok(e, "cache_creation_input_token_cost_above_1hr" + s);
  return r;
}

std::optional<RowSpec> spec_from_entry(std::string key, simdjson::dom::object e,
                                       const ImportOptions& options) {
  RowSpec spec;
  std::string_view provider;
  if (e["litellm_provider"].get_string().get(provider) != simdjson::SUCCESS) {
    provider = "";
  }
  spec.provider = provider_family(provider, key);
  spec.key = std::move(key);
  spec.since = options.since;
  spec.standard = rates_with_suffix(e, "");
  if (!spec.standard.input || !spec.standard.output) {
    return std::nullopt;
  }
  for (const Tier& tier : kTiers) {
    RateSpec lc = rates_with_suffix(e, tier.suffix);
    if (lc.input) {
      if (!lc.output) {
        lc.output = spec.standard.output;
      }
      spec.long_context = lc;
      spec.long_context_threshold = tier.threshold;
      break;
    }
  }
  RateSpec priority = rates_with_suffix(e, "_priority");
  if (priority.input && priority.output) {
    priority.cache_write_5m.reset();  // no such LiteLLM fields; derived from the multiplier
    priority.cache_write_1h.reset();
    spec.priority = priority;
  }
  spec.flex_multiplier = ratio(per_mtok(e, "input_cost_per_token_flex"), spec.standard.input);
  spec.batch_multiplier = ratio(per_mtok(e, "input_cost_per_token_batches"), spec.standard.input);
  spec.fast_multiplier = multiplier(e["provider_specific_entry"]["fast"]);
  // Two spellings of one fact: Anthropic entries carry provider_specific_entry {"us": 1.1},
  // OpenAI entries regional_processing_uplift_multiplier_us/_eu. The explicit field wins.
  spec.us_multiplier = multiplier(e["regional_processing_uplift_multiplier_us"]);
  if (!spec.us_multiplier) {
    spec.us_multiplier = multiplier(e["provider_specific_entry"]["us"]);
  }
  spec.eu_multiplier = multiplier(e["regional_processing_uplift_multiplier_eu"]);
  if (!spec.eu_multiplier) {
    spec.eu_multiplier = multiplier(e["provider_specific_entry"]["eu"]);
  }
  return spec;
}

}  // namespace

Result<ImportReport> import_litellm(std::string_view json, const ImportOptions& options) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(json.data(), json.size());
  simdjson::dom::object root;
  if (const auto err = parser.parse(padded).get_object().get(root); err != simdjson::SUCCESS) {
    return fail(Errc::parse, fmt::format("LiteLLM price list: not a JSON object ({})",
                                         simdjson::error_message(err)));
  }
  ImportReport report;
  std::set<std::string, std::less<>> seen;
  for (const auto field : root) {
    if (field.key == "sample_spec") {
      continue;
    }
    simdjson::dom::object entry;
    if (field.value.get_object().get(entry) != simdjson::SUCCESS || !is_priced_mode(entry)) {
      ++report.skipped;
      continue;
    }
    std::string key = ascii_lower(field.key);
    if (seen.count(key) != 0) {
      ++report.skipped;  // differs from an earlier key only in case
      continue;
    }
    std::optional<RowSpec> spec = spec_from_entry(key, entry, options);
    if (!spec) {
      ++report.skipped;
      continue;
    }
    auto row = resolve_row(*spec);
    if (!row) {
      ++report.skipped;
      continue;
    }
    seen.insert(std::move(key));
    report.rows.push_back(std::move(*row));
  }
  std::sort(report.rows.begin(), report.rows.end(),
            [](const PriceRow& a, const PriceRow& b) { return a.key < b.key; });
  return report;
}

}  // namespace tally::pricing
