#include "render/fast_share.h"

#include <fmt/format.h>

#include "render/number_format.h"

namespace tally::render {

std::string fast_share_line(const analytics::Totals& t) {
  if (t.fast_requests <= 0 || t.requests <= 0) {
    return {};
  }
  std::string line =
      fmt::format("fast mode or priority: {} of {} requests ({:.1f}%)",
                  format_count(t.fast_requests), format_count(t.requests),
                  100.0 * static_cast<double>(t.fast_requests) / static_cast<double>(t.requests));
  if (analytics::ran_fast(t)) {
    line += fmt::format("; at standard speed {} instead of {}", format_usd(t.standard_cost_usd),
                        format_usd(t.cost_usd));
  }
  return line;
}

}  // namespace tally::render
