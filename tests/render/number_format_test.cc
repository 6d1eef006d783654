#include "render/number_format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace tally::render {
namespace {

TEST(FormatCountTest, GroupsThousands) {
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(1000), "1,000");
  EXPECT_EQ(format_count(12285), "12,285");
  EXPECT_EQ(format_count(123456), "123,456");
  EXPECT_EQ(format_count(1234567), "1,234,567");
  EXPECT_EQ(format_count(-1234567), "-1,234,567");
  EXPECT_EQ(format_count(-999), "-999");
}

TEST(FormatCountTest, HandlesExtremes) {
  EXPECT_EQ(format_count(std::numeric_limits<std::int64_t>::max()), "9,223,372,036,854,775,807");
  EXPECT_EQ(format_count(std::numeric_limits<std::int64_t>::min()), "-9,223,372,036,854,775,808");
}

TEST(FormatUsdTest, TwoDecimalsByDefaultAndSmallAmountsAreNotZero) {
  ASSERT_EQ(money_decimals(), 2);
  EXPECT_EQ(format_usd(0.0618), "$0.06");
  EXPECT_EQ(format_usd(0), "$0.00");
  EXPECT_EQ(format_usd(0.004), "<$0.01");  // not free, just small
  EXPECT_EQ(format_usd(0.005), "$0.01");
  EXPECT_EQ(format_usd(0.99996), "$1.00");
}

TEST(FormatUsdTest, TwoDecimalsFromOneDollarWithSeparators) {
  EXPECT_EQ(format_usd(1), "$1.00");
  EXPECT_EQ(format_usd(12.345), "$12.35");
  EXPECT_EQ(format_usd(1234.5678), "$1,234.57");
  EXPECT_EQ(format_usd(1234567.891), "$1,234,567.89");
}

TEST(FormatUsdTest, SignsAndNonFinite) {
  EXPECT_EQ(format_usd(-0.5), "-$0.50");
  EXPECT_EQ(format_usd(-2.5), "-$2.50");
  EXPECT_EQ(format_usd(-0.001), "$0.00");
  EXPECT_EQ(format_usd(std::numeric_limits<double>::quiet_NaN()), "n/a");
  EXPECT_EQ(format_usd(std::numeric_limits<double>::infinity()), "n/a");
}

TEST(FormatUsdTest, TheUsersDecimalsApplyEverywhere) {
  set_money_decimals(4);
  EXPECT_EQ(format_usd(0.0618), "$0.0618");
  EXPECT_EQ(format_usd(1234.5678), "$1,234.5678");
  EXPECT_EQ(format_usd(0.00004), "<$0.0001");
  EXPECT_EQ(short_money(0.0618), "$0.0618");  // the one-line views too
  set_money_decimals(0);
  EXPECT_EQ(format_usd(1234.5678), "$1,235");
  EXPECT_EQ(format_usd(0.4), "<$1");
  EXPECT_EQ(format_usd(0), "$0");
  set_money_decimals(9);  // clamped
  EXPECT_EQ(money_decimals(), 6);
  set_money_decimals(2);
}

TEST(FormatDecimalTest, TrimsToAtMostTenDecimals) {
  EXPECT_EQ(format_decimal(0.0618), "0.0618");
  EXPECT_EQ(format_decimal(12), "12.0");
  EXPECT_EQ(format_decimal(0), "0.0");
  EXPECT_EQ(format_decimal(-0.0), "0.0");
  EXPECT_EQ(format_decimal(1.0 / 3), "0.3333333333");
  EXPECT_EQ(format_decimal(1234.5678), "1234.5678");
  EXPECT_EQ(format_decimal(1e-12), "0.0");
  EXPECT_EQ(format_decimal(-1e-12), "0.0");
  EXPECT_EQ(format_decimal(-2.25), "-2.25");
}

TEST(FormatDecimalTest, NeverUsesAnExponent) {
  EXPECT_EQ(format_decimal(1e20), "100000000000000000000.0");
  EXPECT_EQ(format_decimal(1.5e-7), "0.00000015");
  EXPECT_EQ(format_decimal(std::numeric_limits<double>::quiet_NaN()), "");
}

}  // namespace
}  // namespace tally::render
