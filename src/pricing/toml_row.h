#pragma once

// Private to src/pricing: turning one TOML table into a RowSpec. Shared by the price-table
// reader (table_format.cc) and the [pricing.models] reader (config.cc), so a row means the
// same thing in both; plans.cc borrows the date and position helpers. Includes toml++;
// never include this from a public header.

#include <toml++/toml.h>

#include <string>
#include <string_view>

#include "core/result.h"
#include "pricing/price_row.h"

namespace tally::pricing::detail {

// Reads the row fields of `table` into a RowSpec. `key` is taken from the table's "key"
// field when `key_field_allowed`, else it must be passed in `key` (config: the table name).
// Fails (Errc::parse, "source:line: ...") on unknown fields and wrongly typed values.
Result<RowSpec> row_spec_from_toml(const toml::table& table, std::string key,
                                   bool key_field_allowed, std::string_view source);

// Reads a date written as a TOML date (2026-07-01) or a string ("2026-07-01"). Fails
// (Errc::parse, naming field `name`) on anything else or a day that does not exist.
Result<Date> date_from_toml(std::string_view source, std::string_view name, const toml::node& node);

// "source:line: " for `node`'s position.
std::string where(std::string_view source, const toml::node& node);

}  // namespace tally::pricing::detail
