#include "render/number_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>

namespace tally::render {
namespace {

// Inserts thousands separators into a run of ASCII digits.
std::string group_digits(std::string_view digits) {
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) {
      out.push_back(',');
    }
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

std::string format_count(std::int64_t n) {
  // Via the unsigned magnitude, so INT64_MIN does not overflow on negation.
  const std::uint64_t magnitude =
      n < 0 ? ~static_cast<std::uint64_t>(n) + 1 : static_cast<std::uint64_t>(n);
  std::string out = n < 0 ? "-" : "";
  out += group_digits(fmt::format("{}", magnitude));
  return out;
}

namespace {
int g_money_decimals = 2;  // set once at startup (set_money_decimals), read by every view
}  // namespace

void set_money_decimals(int decimals) { g_money_decimals = std::clamp(decimals, 0, 6); }

int money_decimals() { return g_money_decimals; }

std::string format_usd(double usd) {
  if (!std::isfinite(usd)) {
    return "n/a";
  }
  const int decimals = g_money_decimals;
  std::string digits = fmt::format("{:.{}f}", std::fabs(usd), decimals);
  const std::size_t dot = digits.find('.');
  std::string out = group_digits(std::string_view(digits).substr(0, dot));
  if (dot != std::string::npos) {
    out += std::string_view(digits).substr(dot);
  }
  if (out.find_first_not_of("0.,") == std::string::npos) {
    // Rounds to zero: "<$0.01" when there is something, "$0.00" when not (or negative).
    const std::string zero = decimals == 0 ? "0" : "0." + std::string(static_cast<size_t>(decimals), '0');
    if (usd > 0) {
      return decimals == 0 ? "<$1" : "<$0." + std::string(static_cast<size_t>(decimals - 1), '0') + "1";
    }
    return "$" + zero;
  }
  return (usd < 0 ? "-$" : "$") + out;
}

std::string format_decimal(double value) {
  if (!std::isfinite(value)) {
    return "";
  }
  std::string out = fmt::format("{:.10f}", value);
  while (out.back() == '0' && out[out.size() - 2] != '.') {
    out.pop_back();
  }
  if (out == "-0.0") {
    out = "0.0";
  }
  return out;
}

std::string short_money(double usd) {
  if (std::fabs(usd) >= 1000) {
    return fmt::format("${:.0f}", usd);
  }
  return format_usd(usd);
}

// 122k, 1M, 1.2M: short enough for a status line, exact enough to judge the context.
std::string short_tokens(std::int64_t n) {
  if (n >= 1'000'000) {
    const double m = static_cast<double>(n) / 1e6;
    return std::fabs(m - std::round(m)) < 0.05 ? fmt::format("{:.0f}M", m)
                                               : fmt::format("{:.1f}M", m);
  }
  if (n >= 1000) {
    return fmt::format("{}k", (n + 500) / 1000);
  }
  return fmt::format("{}", n);
}

}  // namespace tally::render
