#include "pricing/price_row.h"

#include <gtest/gtest.h>

#include <limits>

#include "pricing/price_table.h"
#include "test_records.h"

namespace tally::pricing {
namespace {

RowSpec spec(const char* key, const char* provider, double input, double output) {
  RowSpec s;
  s.key = key;
  s.provider = provider;
  s.standard.input = input;
  s.standard.output = output;
  return s;
}

TEST(ResolveRowTest, DerivesAnthropicCacheRatesFromInput) {
  auto row = resolve_row(spec("m", "anthropic", 3.0, 15.0));
  ASSERT_TRUE(row) << row.error().message;
  EXPECT_DOUBLE_EQ(row->standard.cache_read, 0.3);  // rounded, not 0.30000000000000004
  EXPECT_DOUBLE_EQ(row->standard.cache_write_5m, 3.75);
  EXPECT_DOUBLE_EQ(row->standard.cache_write_1h, 6.0);
  EXPECT_FALSE(row->has_long_context());
  EXPECT_FALSE(row->priority.has_value());
  EXPECT_DOUBLE_EQ(row->fast_multiplier, 1.0);
  EXPECT_DOUBLE_EQ(row->priority_multiplier, 1.0);
  EXPECT_DOUBLE_EQ(row->flex_multiplier, 0.5);
  EXPECT_DOUBLE_EQ(row->batch_multiplier, 0.5);
}

TEST(ResolveRowTest, OpenAiAndGoogleGetNoCacheWrites) {
  for (const char* provider : {"openai", "google"}) {
    auto row = resolve_row(spec("m", provider, 2.0, 8.0));
    ASSERT_TRUE(row);
    EXPECT_DOUBLE_EQ(row->standard.cache_read, 0.2) << provider;
    EXPECT_DOUBLE_EQ(row->standard.cache_write_5m, 0.0) << provider;
    EXPECT_DOUBLE_EQ(row->standard.cache_write_1h, 0.0) << provider;
  }
}

TEST(ResolveRowTest, ExplicitRatesWin) {
  RowSpec s = spec("m", "anthropic", 0.8, 4.0);
  s.standard.cache_read = 0.08;
  s.standard.cache_write_5m = 1.0;
  s.standard.cache_write_1h = 1.6;
  auto row = resolve_row(s);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->standard, (Rates{0.8, 4.0, 0.08, 1.0, 1.6}));
}

TEST(ResolveRowTest, LongContextCacheRatesDeriveFromLongInput) {
  RowSpec s = spec("m", "anthropic", 3.0, 15.0);
  s.long_context_threshold = 200'000;
  s.long_context.input = 6.0;
  s.long_context.output = 22.5;
  auto row = resolve_row(s);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->long_context, (Rates{6.0, 22.5, 0.6, 7.5, 12.0}));
}

TEST(ResolveRowTest, PriorityRatesDeriveTheMultiplierAndCacheRates) {
  RowSpec s = spec("m", "anthropic", 5.0, 30.0);
  s.priority.input = 12.5;
  s.priority.output = 75.0;
  auto row = resolve_row(s);
  ASSERT_TRUE(row);
  EXPECT_DOUBLE_EQ(row->priority_multiplier, 2.5);
  ASSERT_TRUE(row->priority.has_value());
  EXPECT_EQ(*row->priority, (Rates{12.5, 75.0, 1.25, 6.25 * 2.5, 10.0 * 2.5}));
}

TEST(ResolveRowTest, RejectsBadRows) {
  EXPECT_FALSE(resolve_row(spec("", "openai", 1, 1)));
  RowSpec no_output = spec("m", "openai", 1, 1);
  no_output.standard.output.reset();
  EXPECT_FALSE(resolve_row(no_output));
  EXPECT_FALSE(resolve_row(spec("m", "openai", -1, 1)));
  EXPECT_FALSE(resolve_row(spec("m", "openai", std::numeric_limits<double>::quiet_NaN(), 1)));
  RowSpec zero_fast = spec("m", "openai", 1, 1);
  zero_fast.fast_multiplier = 0.0;
  EXPECT_FALSE(resolve_row(zero_fast));
  RowSpec long_without_rates = spec("m", "openai", 1, 1);
  long_without_rates.long_context_threshold = 1000;
  const auto r = resolve_row(long_without_rates);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_NE(r.error().message.find("long_context.input"), std::string::npos) << r.error().message;
}

// A finite but absurd rate (the fuzzer's 1e300) would make a cost infinite: refused, with
// the bound in the message. The dearest real row (540,000 USD per million) still resolves.
TEST(ResolveRowTest, BoundsRatesAndMultipliersSoEveryCostStaysFinite) {
  EXPECT_TRUE(resolve_row(spec("m", "openai", 1, 540000)));
  const auto huge = resolve_row(spec("m", "openai", 1, 1e300));
  ASSERT_FALSE(huge);
  EXPECT_NE(huge.error().message.find("from 0 to 1e+09"), std::string::npos)
      << huge.error().message;
  RowSpec wild_fast = spec("m", "openai", 1, 1);
  wild_fast.fast_multiplier = 1e6;
  EXPECT_FALSE(resolve_row(wild_fast));
}

TEST(ProviderFamilyTest, RecognisesThirdPartyHosts) {
  EXPECT_EQ(provider_family("bedrock", "anthropic.claude-3-5-sonnet"), "anthropic");
  EXPECT_EQ(provider_family("vertex_ai-anthropic_models", "vertex_ai/claude-x"), "anthropic");
  EXPECT_EQ(provider_family("azure", "azure/gpt-5"), "openai");
  EXPECT_EQ(provider_family("openrouter", "openrouter/openai/gpt-5"), "openai");
  EXPECT_EQ(provider_family("vertex_ai-language-models", "gemini-2.5-pro"), "google");
  EXPECT_EQ(provider_family("gemini", "gemini/gemini-2.5-pro"), "google");
  EXPECT_EQ(provider_family("deepseek", "deepseek-chat"), "deepseek");
}

// --- PriceTable -------------------------------------------------------------------------------

PriceRow row_since(const char* key, Date since, double input) {
  RowSpec s = spec(key, "openai", input, input);
  s.since = since;
  auto row = resolve_row(s);
  EXPECT_TRUE(row);
  return *row;
}

TEST(PriceTableTest, FindsTheLatestRowAtOrBeforeTheTime) {
  auto table =
      PriceTable::from_rows({row_since("m", {2025, 6, 1}, 2.0), row_since("m", {2025, 1, 1}, 1.0),
                             row_since("m", {2026, 1, 1}, 3.0)});
  ASSERT_TRUE(table);
  using testing::at;
  EXPECT_DOUBLE_EQ(table->find("m", at("2024-12-31T23:59:59Z"))->standard.input, 1.0);
  EXPECT_DOUBLE_EQ(table->find("m", at("2025-01-01T00:00:00Z"))->standard.input, 1.0);
  EXPECT_DOUBLE_EQ(table->find("m", at("2025-05-31T23:59:59Z"))->standard.input, 1.0);
  EXPECT_DOUBLE_EQ(table->find("m", at("2025-06-01T00:00:00Z"))->standard.input, 2.0);
  EXPECT_DOUBLE_EQ(table->find("m", at("2027-01-01T00:00:00Z"))->standard.input, 3.0);
  EXPECT_EQ(table->find("other", at("2025-06-01T00:00:00Z")), nullptr);
  EXPECT_EQ(table->history("m").size(), 3u);
}

TEST(PriceTableTest, RejectsTwoRowsForTheSameKeyAndDate) {
  auto table =
      PriceTable::from_rows({row_since("m", {2025, 6, 1}, 2.0), row_since("m", {2025, 6, 1}, 3.0)});
  ASSERT_FALSE(table);
  EXPECT_NE(table.error().message.find("2025-06-01"), std::string::npos);
}

TEST(PriceTableTest, OverlayReplacesTheWholeHistoryOfAKey) {
  auto lower =
      PriceTable::from_rows({row_since("m", {2025, 1, 1}, 1.0), row_since("m", {2026, 1, 1}, 2.0),
                             row_since("keep", {2025, 1, 1}, 7.0)});
  auto upper = PriceTable::from_rows({row_since("m", {2025, 3, 1}, 9.0)});
  ASSERT_TRUE(lower && upper);
  const PriceTable merged = lower->overlaid_with(*upper);
  EXPECT_EQ(merged.history("m").size(), 1u);
  EXPECT_DOUBLE_EQ(merged.find("m", testing::at("2027-01-01T00:00:00Z"))->standard.input, 9.0);
  EXPECT_TRUE(merged.contains("keep"));
  EXPECT_EQ(merged.model_count(), 2u);
}

}  // namespace
}  // namespace tally::pricing
