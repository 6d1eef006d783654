#include "pricing/table_pricer.h"

#include <fmt/format.h>

#include <cstdint>

#include "pricing/model_lookup.h"
#include "pricing/table_format.h"

namespace tally::pricing {
namespace {

constexpr std::uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr std::uint64_t kFnvPrime = 1099511628211ULL;

void fnv1a(std::uint64_t& h, std::string_view bytes) {
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnvPrime;
  }
}

// Which lookup step produced `candidate` from `model` (see model_lookup.h).
MatchStep step_of(std::string_view model, const std::string& candidate) {
  if (candidate == model) {
    return MatchStep::exact;
  }
  const std::string stripped = strip_provider_prefix(model);
  if (candidate == stripped) {
    return MatchStep::prefix;
  }
  if (candidate == strip_date_suffix(stripped)) {
    return MatchStep::date_suffix;
  }
  return MatchStep::version;
}

}  // namespace

std::string_view match_step_name(MatchStep step) {
  switch (step) {
    case MatchStep::alias:
      return "alias";
    case MatchStep::exact:
      return "exact";
    case MatchStep::prefix:
      return "prefix";
    case MatchStep::date_suffix:
      return "date-suffix";
    case MatchStep::version:
      return "version";
  }
  return "unknown";
}

std::string pricing_fingerprint(const PriceTable& table, const Aliases& aliases) {
  std::uint64_t h = kFnvOffset;
  const std::vector<PriceRow> rows = table.rows();
  fnv1a(h, write_price_table(rows));
  for (const auto& [name, target] : aliases) {
    // '\0' separators: no name/target split can collide with another.
    fnv1a(h, std::string_view("\0alias\0", 7));
    fnv1a(h, name);
    fnv1a(h, std::string_view("\0", 1));
    fnv1a(h, target);
  }
  return fmt::format("p{}-{:016x}", kPricingRulesVersion, h);
}

TablePricer::TablePricer(PriceTable table, Aliases aliases)
    : table_(std::move(table)),
      aliases_(std::move(aliases)),
      fingerprint_(pricing_fingerprint(table_, aliases_)) {}

Result<std::unique_ptr<TablePricer>> TablePricer::create(PriceTable table, Aliases aliases) {
  for (const auto& [name, target] : aliases) {
    bool known = false;
    for (const std::string& candidate : lookup_candidates(target)) {
      if (table.contains(candidate)) {
        known = true;
        break;
      }
    }
    if (!known) {
      return fail(Errc::invalid_argument,
                  fmt::format("pricing alias '{}' -> '{}': no such model in the price table", name,
                              target));
    }
  }
  // The constructor is private (create validates), so make_unique cannot reach it.
  return std::unique_ptr<TablePricer>(new TablePricer(std::move(table), std::move(aliases)));
}

std::optional<Match> TablePricer::match_table(std::string_view model, TimeMs ts) const {
  for (const std::string& candidate : lookup_candidates(model)) {
    if (const PriceRow* row = table_.find(candidate, ts)) {
      return Match{row, step_of(model, candidate), {}};
    }
  }
  return std::nullopt;
}

std::optional<Match> TablePricer::match(std::string_view model, TimeMs ts) const {
  for (const std::string& candidate : lookup_candidates(model)) {
    if (const auto alias = aliases_.find(candidate); alias != aliases_.end()) {
      std::optional<Match> target = match_table(alias->second, ts);
      if (target) {
        target->step = MatchStep::alias;
        target->alias_target = alias->second;
      }
      return target;
    }
    if (const PriceRow* row = table_.find(candidate, ts)) {
      return Match{row, step_of(model, candidate), {}};
    }
  }
  return std::nullopt;
}

std::optional<BucketCosts> TablePricer::bucket_costs_for(const UsageRecord& record) const {
  const std::optional<Match> m = match(record.model, record.ts);
  if (!m) {
    return std::nullopt;
  }
  return bucket_costs(*m->row, record.tokens, billing_of(record));
}

Cost TablePricer::price(const UsageRecord& record) const {
  const std::optional<Match> m = match(record.model, record.ts);
  if (m) {
    const Billing billing = billing_of(record);
    const BucketCosts costs = bucket_costs(*m->row, record.tokens, billing);
    const BucketCosts standard = bucket_costs(*m->row, record.tokens, standard_speed(billing));
    return Cost{costs.total(), standard.total(), CostSource::computed, m->row->key};
  }
  if (record.reported_cost_usd) {
    return Cost{
        *record.reported_cost_usd, *record.reported_cost_usd, CostSource::agent_reported, {}};
  }
  return Cost{0.0, 0.0, CostSource::unpriced, {}};
}

}  // namespace tally::pricing
