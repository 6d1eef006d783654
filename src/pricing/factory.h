#pragma once

// Building pricers. Most of tally needs only `make_pricer`; `tally prices list|show` uses
// `make_table_pricer` for read access to the layered table and its aliases.

#include <memory>

#include "core/result.h"
#include "pricing/config.h"
#include "pricing/pricer.h"
#include "pricing/table_pricer.h"

namespace tally::pricing {

// The built-in table with `config` layered on top (config.h). Fails when a layer has two
// rows for one key and date, or an alias names a model the table does not have.
Result<std::unique_ptr<TablePricer>> make_table_pricer(const PricingConfig& config);
Result<std::unique_ptr<Pricer>> make_pricer(const PricingConfig& config);

// The built-in table alone, no aliases. Never fails (the tests parse the embedded table).
std::unique_ptr<Pricer> make_builtin_pricer();

}  // namespace tally::pricing
