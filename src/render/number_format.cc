#include "render/number_format.h"

#include <fmt/format.h>

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

std::string format_usd(double usd) {
  if (!std::isfinite(usd)) {
    return "n/a";
  }
  std::string digits = fmt::format("{:.4f}", std::fabs(usd));
  if (digits[0] != '0') {
    digits = fmt::format("{:.2f}", std::fabs(usd));
  }
  const std::size_t dot = digits.find('.');
  std::string out = group_digits(std::string_view(digits).substr(0, dot));
  out += std::string_view(digits).substr(dot);
  if (out.find_first_not_of("0.,") == std::string::npos) {
    return usd > 0 ? "<$0.0001" : "$0.0000";
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
  return fmt::format("${:.2f}", usd);
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
