#include "pricing/price_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace tally::pricing {

Result<PriceTable> PriceTable::from_rows(std::vector<PriceRow> rows) {
  PriceTable table;
  for (PriceRow& row : rows) {
    std::string key = row.key;
    table.by_key_[std::move(key)].push_back(std::move(row));
  }
  for (auto& [key, history] : table.by_key_) {
    std::stable_sort(history.begin(), history.end(),
                     [](const PriceRow& a, const PriceRow& b) { return a.since < b.since; });
    for (size_t i = 1; i < history.size(); ++i) {
      if (history[i].since == history[i - 1].since) {
        return fail(Errc::invalid_argument, fmt::format("price table: two rows for '{}' since {}",
                                                        key, format_date(history[i].since)));
      }
    }
  }
  return table;
}

PriceTable PriceTable::overlaid_with(const PriceTable& upper) const {
  PriceTable out = *this;
  for (const auto& [key, history] : upper.by_key_) {
    out.by_key_.insert_or_assign(key, history);
  }
  return out;
}

const PriceRow* PriceTable::find(std::string_view key, TimeMs ts) const {
  const auto it = by_key_.find(key);
  if (it == by_key_.end() || it->second.empty()) {
    return nullptr;
  }
  const std::vector<PriceRow>& history = it->second;
  const PriceRow* chosen = &history.front();
  for (const PriceRow& row : history) {
    if (start_of_day_utc(row.since) <= ts) {
      chosen = &row;
    } else {
      break;
    }
  }
  return chosen;
}

bool PriceTable::contains(std::string_view key) const { return by_key_.find(key) != by_key_.end(); }

const std::vector<PriceRow>& PriceTable::history(std::string_view key) const {
  static const std::vector<PriceRow> kNone;
  const auto it = by_key_.find(key);
  return it == by_key_.end() ? kNone : it->second;
}

std::vector<PriceRow> PriceTable::rows() const {
  std::vector<PriceRow> out;
  for (const auto& [key, history] : by_key_) {
    out.insert(out.end(), history.begin(), history.end());
  }
  return out;
}

}  // namespace tally::pricing
