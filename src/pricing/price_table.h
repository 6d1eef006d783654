#pragma once

// A price table: rows grouped by model key, each key's rows ordered by `since`.
// Immutable once built; cheap to search by exact key. Name normalisation (prefixes, date
// suffixes, aliases) is the caller's business (model_lookup.h, table_pricer.h).

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/usage.h"
#include "pricing/price_row.h"

namespace tally::pricing {

class PriceTable {
 public:
  PriceTable() = default;

  // Builds a table from `rows` in any order. Fails (Errc::invalid_argument) when two rows
  // share a key and a `since` date.
  static Result<PriceTable> from_rows(std::vector<PriceRow> rows);

  // Returns a table with every key of `upper` replacing all rows of that key here; keys
  // only here are kept. An override is therefore the whole price history of its model.
  PriceTable overlaid_with(const PriceTable& upper) const;

  // The row of `key` (exact, case-sensitive) valid at `ts`: the one whose `since` is the
  // latest at or before `ts`. A record older than the key's first row gets the first row:
  // a model is seldom used before its first known price, and when it is, the launch price
  // is the best estimate (and better than the silent $0 spec rule 5 forbids).
  // nullptr when the key is absent. The pointer lives as long as the table.
  const PriceRow* find(std::string_view key, TimeMs ts) const;

  bool contains(std::string_view key) const;
  // All rows of `key` ordered by `since`; empty when absent.
  const std::vector<PriceRow>& history(std::string_view key) const;
  // Every row, ordered by key then `since` (for listing and writing).
  std::vector<PriceRow> rows() const;
  // Number of distinct keys.
  std::size_t model_count() const { return by_key_.size(); }
  bool empty() const { return by_key_.empty(); }

 private:
  std::map<std::string, std::vector<PriceRow>, std::less<>> by_key_;
};

}  // namespace tally::pricing
