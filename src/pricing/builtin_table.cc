#include "pricing/builtin_table.h"

#include <cassert>

#include "pricing/table_format.h"

namespace tally::pricing {

Result<PriceTable> load_builtin_price_table() {
  auto rows = parse_price_table(builtin_price_text(), "data/prices.toml");
  if (!rows) {
    return Unexpected{rows.error()};
  }
  return PriceTable::from_rows(std::move(*rows));
}

const PriceTable& builtin_price_table() {
  static const PriceTable kTable = [] {
    auto table = load_builtin_price_table();
    assert(table && "data/prices.toml must parse");
    return table ? std::move(*table) : PriceTable{};
  }();
  return kTable;
}

}  // namespace tally::pricing
