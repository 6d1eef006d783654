#include "pricing/factory.h"

#include <cassert>

#include "pricing/builtin_table.h"

namespace tally::pricing {

Result<std::unique_ptr<TablePricer>> make_table_pricer(const PricingConfig& config) {
  auto table = build_price_table(config);
  if (!table) {
    return Unexpected{table.error()};
  }
  return TablePricer::create(std::move(*table), config.aliases);
}

Result<std::unique_ptr<Pricer>> make_pricer(const PricingConfig& config) {
  auto pricer = make_table_pricer(config);
  if (!pricer) {
    return Unexpected{pricer.error()};
  }
  return std::unique_ptr<Pricer>(std::move(*pricer));
}

std::unique_ptr<Pricer> make_builtin_pricer() {
  auto pricer = TablePricer::create(builtin_price_table(), {});
  assert(pricer && "no aliases, so create cannot fail");
  return std::move(*pricer);
}

}  // namespace tally::pricing
