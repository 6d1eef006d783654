#include "analytics/row_order.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace tally::analytics {
namespace {

// The names people write, one per order (kRowOrderNames lists them).
constexpr std::pair<std::string_view, RowOrder> kOrders[] = {
    {"date", RowOrder::built},
    {"cost", RowOrder::cost},
    {"tokens", RowOrder::tokens},
    {"requests", RowOrder::requests},
};

std::string_view order_name(RowOrder order) {
  for (const auto& [name, o] : kOrders) {
    if (o == order) {
      return name;
    }
  }
  return "date";
}

}  // namespace

std::optional<RowOrder> parse_row_order(std::string_view name) {
  for (const auto& [n, order] : kOrders) {
    if (n == name) {
      return order;
    }
  }
  return std::nullopt;
}

void order_rows(Report& report, RowOrder order, std::int64_t limit, std::string_view noun) {
  auto larger = [order](const ReportRow& a, const ReportRow& b) {
    switch (order) {
      case RowOrder::cost:
        return a.totals.cost_usd > b.totals.cost_usd;
      case RowOrder::tokens:
        return a.totals.tokens.total() > b.totals.tokens.total();
      case RowOrder::requests:
        return a.totals.requests > b.totals.requests;
      case RowOrder::built:
        break;
    }
    return false;
  };
  if (order != RowOrder::built) {
    std::stable_sort(report.rows.begin(), report.rows.end(), larger);
  }
  const auto all = static_cast<std::int64_t>(report.rows.size());
  if (limit > 0 && all > limit) {
    report.rows.resize(static_cast<size_t>(limit));
    report.notes.push_back(
        order == RowOrder::built
            ? fmt::format("showing the first {} of {} {}; the total covers all {}", limit, all,
                          noun, all)
            : fmt::format("showing the top {} of {} {} by {}; the total covers all {}", limit, all,
                          noun, order_name(order), all));
  }
}

}  // namespace tally::analytics
