#pragma once

// Reading and writing tally's price-table format (TOML, one [[model]] table per row; the
// field list is documented at the top of data/prices.toml). The built-in table, imported
// tables stored in the user's data dir, and `tally prices` exports all use it.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "pricing/price_row.h"

namespace tally::pricing {

// Parses a price table. `source` names the text in errors ("prices.toml:12: ...").
// Fails (Errc::parse) on invalid TOML, an unknown field, a value of the wrong type, or a
// row resolve_row rejects; the message gives the line. An empty text is an empty table.
Result<std::vector<PriceRow>> parse_price_table(std::string_view text,
                                                std::string_view source = "price table");

// Serialises `rows` with every rate explicit, in the given order. `header` lines, if any,
// are written first as '#' comments. parse_price_table(write_price_table(rows)) == rows.
std::string write_price_table(std::span<const PriceRow> rows, std::string_view header = {});

}  // namespace tally::pricing
