// Prices known requests with the built-in table, to 1e-9 USD. Expected values are written
// as the arithmetic of spec §0 (tokens x $/MTok / 1e6) so each can be checked by eye.

#include "pricing/table_pricer.h"

#include <gtest/gtest.h>

#include "pricing/builtin_table.h"
#include "pricing/factory.h"
#include "test_records.h"

namespace tally::pricing {
namespace {

using testing::at;
using testing::io;
using testing::record;

constexpr double kEps = 1e-9;

class BuiltinPricerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Pricer> pricer_ = make_builtin_pricer();

  double usd(const UsageRecord& r) const {
    const Cost c = pricer_->price(r);
    EXPECT_EQ(c.source, CostSource::computed) << r.model;
    return c.usd;
  }
};

TEST_F(BuiltinPricerTest, BillsEveryBucketOnceAndReasoningInsideOutput) {
  TokenCounts t;
  t.input = 1000;
  t.cache_read = 200'000;
  t.cache_write = 30'000;
  t.cache_write_1h = 10'000;
  t.output = 5000;
  t.reasoning = 2000;  // part of output: not billed again
  const Cost c = pricer_->price(record("claude-opus-4-8", "2026-08-01T12:00:00Z", t));
  EXPECT_EQ(c.source, CostSource::computed);
  EXPECT_EQ(c.priced_as, "claude-opus-4-8");
  EXPECT_NEAR(c.usd,
              (1000 * 5.0 + 200'000 * 0.5 + 20'000 * 6.25 + 10'000 * 10.0 + 5000 * 25.0) / 1e6,
              kEps);
}

TEST_F(BuiltinPricerTest, PricesGpt55FixtureRequest) {
  // Codex c1-hi in ../shared/fixtures: 9232 input, 34 output on gpt-5.5.
  EXPECT_NEAR(usd(record("gpt-5.5", "2026-11-22T22:06:44Z", io(9232, 34))),
              (9232 * 5.0 + 34 * 30.0) / 1e6, kEps);
}

TEST_F(BuiltinPricerTest, CacheWrite1hAnd5mUseTheirOwnRates) {
  TokenCounts t;
  t.cache_write = 10'000;
  const char* when = "2026-03-01T00:00:00Z";
  EXPECT_NEAR(usd(record("claude-sonnet-4-6", when, t)), 10'000 * 3.75 / 1e6, kEps);
  t.cache_write_1h = 10'000;
  EXPECT_NEAR(usd(record("claude-sonnet-4-6", when, t)), 10'000 * 6.0 / 1e6, kEps);
  t.cache_write_1h = 4000;
  EXPECT_NEAR(usd(record("claude-sonnet-4-6", when, t)), (6000 * 3.75 + 4000 * 6.0) / 1e6, kEps);
}

TEST_F(BuiltinPricerTest, OpenAiAndGeminiBillNoCacheWrites) {
  TokenCounts t;
  t.cache_write = 10'000;
  t.cache_read = 1000;
  EXPECT_NEAR(usd(record("gpt-5.5", "2026-05-01T00:00:00Z", t)), 1000 * 0.5 / 1e6, kEps);
  EXPECT_NEAR(usd(record("gemini-2.5-flash", "2026-05-01T00:00:00Z", t)), 1000 * 0.03 / 1e6, kEps);
}

// --- long-context tiers: the whole request, strictly above the threshold -----------------

TEST_F(BuiltinPricerTest, Sonnet45AtThresholdIsStandardOneAboveIsAllLong) {
  TokenCounts t;
  t.input = 150'000;
  t.cache_read = 50'000;  // prompt = 200,000: not above
  t.output = 1000;
  const char* when = "2025-12-01T00:00:00Z";
  EXPECT_NEAR(usd(record("claude-sonnet-4-5", when, t)),
              (150'000 * 3.0 + 50'000 * 0.3 + 1000 * 15.0) / 1e6, kEps);
  t.input = 150'001;  // prompt = 200,001: every token at the higher rates
  EXPECT_NEAR(usd(record("claude-sonnet-4-5", when, t)),
              (150'001 * 6.0 + 50'000 * 0.6 + 1000 * 22.5) / 1e6, kEps);
}

TEST_F(BuiltinPricerTest, CacheWritesCountTowardsThePrompt) {
  TokenCounts t;
  t.input = 100'000;
  t.cache_write = 100'000;
  t.cache_write_1h = 100'000;
  t.output = 10;
  const char* when = "2025-12-01T00:00:00Z";
  EXPECT_NEAR(usd(record("claude-sonnet-4", when, t)),
              (100'000 * 3.0 + 100'000 * 6.0 + 10 * 15.0) / 1e6, kEps);
  t.cache_write = 100'001;  // 1 token of 5m write tips it over
  EXPECT_NEAR(usd(record("claude-sonnet-4", when, t)),
              (100'000 * 6.0 + 1 * 7.5 + 100'000 * 12.0 + 10 * 22.5) / 1e6, kEps);
}

TEST_F(BuiltinPricerTest, Gpt55And54LongContextAt272k) {
  const char* when = "2026-05-01T00:00:00Z";
  EXPECT_NEAR(usd(record("gpt-5.5", when, io(272'000, 1000))), (272'000 * 5.0 + 1000 * 30.0) / 1e6,
              kEps);
  EXPECT_NEAR(usd(record("gpt-5.5", when, io(272'001, 1000))), (272'001 * 10.0 + 1000 * 45.0) / 1e6,
              kEps);
  TokenCounts t = io(200'000, 1000);
  t.cache_read = 72'000;
  EXPECT_NEAR(usd(record("gpt-5.4", when, t)), (200'000 * 2.5 + 72'000 * 0.25 + 1000 * 15.0) / 1e6,
              kEps);
  t.cache_read = 72'001;
  EXPECT_NEAR(usd(record("gpt-5.4", when, t)), (200'000 * 5.0 + 72'001 * 0.5 + 1000 * 22.5) / 1e6,
              kEps);
  EXPECT_NEAR(usd(record("gpt-5.5-pro", when, io(272'001, 10))),
              (272'001 * 60.0 + 10 * 270.0) / 1e6, kEps);
}

TEST_F(BuiltinPricerTest, GeminiProLongContextAt200k) {
  const char* when = "2026-01-10T00:00:00Z";
  EXPECT_NEAR(usd(record("gemini-3-pro-preview", when, io(200'000, 100))),
              (200'000 * 2.0 + 100 * 12.0) / 1e6, kEps);
  EXPECT_NEAR(usd(record("gemini-3-pro-preview", when, io(200'001, 100))),
              (200'001 * 4.0 + 100 * 18.0) / 1e6, kEps);
  EXPECT_NEAR(usd(record("gemini-2.5-pro", when, io(200'000, 100))),
              (200'000 * 1.25 + 100 * 10.0) / 1e6, kEps);
  EXPECT_NEAR(usd(record("gemini-2.5-pro", when, io(200'001, 100))),
              (200'001 * 2.5 + 100 * 15.0) / 1e6, kEps);
}

TEST_F(BuiltinPricerTest, Claude46AndLaterHave1MAtStandardPrice) {
  const char* when = "2026-08-01T00:00:00Z";
  EXPECT_NEAR(usd(record("claude-opus-4-6", when, io(900'000, 100))),
              (900'000 * 5.0 + 100 * 25.0) / 1e6, kEps);
  EXPECT_NEAR(usd(record("claude-sonnet-4-6", when, io(900'000, 100))),
              (900'000 * 3.0 + 100 * 15.0) / 1e6, kEps);
}

// --- speed and service tier --------------------------------------------------------------

TEST_F(BuiltinPricerTest, FastModeMultipliesByTheModelsDatedMultiplier) {
  UsageRecord r = record("claude-opus-4-6", "2026-03-01T00:00:00Z", io(1000, 1000));
  const double standard = (1000 * 5.0 + 1000 * 25.0) / 1e6;
  EXPECT_NEAR(usd(r), standard, kEps);
  r.speed = "fast";
  EXPECT_NEAR(usd(r), standard * 6, kEps);
  r.ts = at("2026-06-30T23:59:59.999Z");
  EXPECT_NEAR(usd(r), standard * 6, kEps);
  r.ts = at("2026-07-01T00:00:00Z");  // 4.6 fast now runs and bills at standard speed
  EXPECT_NEAR(usd(r), standard, kEps);

  UsageRecord opus48 = record("claude-opus-4-8", "2026-07-20T00:00:00Z", io(1000, 1000));
  opus48.speed = "fast";
  EXPECT_NEAR(usd(opus48), standard * 2, kEps);
  UsageRecord opus47 = record("claude-opus-4-7", "2026-05-01T00:00:00Z", io(1000, 1000));
  opus47.speed = "fast";
  EXPECT_NEAR(usd(opus47), standard * 6, kEps);
}

TEST_F(BuiltinPricerTest, FastOnAModelWithoutFastPricingBillsStandard) {
  UsageRecord r = record("claude-haiku-4-5", "2026-03-01T00:00:00Z", io(1000, 1000));
  r.speed = "fast";
  EXPECT_NEAR(usd(r), (1000 * 1.0 + 1000 * 5.0) / 1e6, kEps);
}

TEST_F(BuiltinPricerTest, PriorityUsesExplicitRatesAndMultiplierAtLongContext) {
  TokenCounts t = io(1000, 1000);
  t.cache_read = 1000;
  UsageRecord r = record("gpt-5.5", "2026-05-01T00:00:00Z", t);
  EXPECT_NEAR(usd(r), (1000 * 5.0 + 1000 * 0.5 + 1000 * 30.0) / 1e6, kEps);
  r.service_tier = "priority";
  EXPECT_NEAR(usd(r), (1000 * 12.5 + 1000 * 1.25 + 1000 * 75.0) / 1e6, kEps);
  r.tokens = io(300'000, 1000);  // long context: long rates x 2.5
  EXPECT_NEAR(usd(r), (300'000 * 10.0 + 1000 * 45.0) * 2.5 / 1e6, kEps);

  UsageRecord g = record("gemini-3-pro-preview", "2026-01-10T00:00:00Z", io(1000, 1000));
  g.service_tier = "priority";
  EXPECT_NEAR(usd(g), (1000 * 3.6 + 1000 * 21.6) / 1e6, kEps);
  g.tokens = io(200'001, 1000);  // LiteLLM's 7.2 / 32.4 above 200k = 1.8 x long rates
  EXPECT_NEAR(usd(g), (200'001 * 7.2 + 1000 * 32.4) / 1e6, kEps);
}

TEST_F(BuiltinPricerTest, PriorityOnAModelWithoutPriorityPricingBillsStandard) {
  UsageRecord r = record("claude-sonnet-4-6", "2026-03-01T00:00:00Z", io(1000, 1000));
  r.service_tier = "priority";
  EXPECT_NEAR(usd(r), (1000 * 3.0 + 1000 * 15.0) / 1e6, kEps);
}

TEST_F(BuiltinPricerTest, FlexAndBatchHalveAndUnknownTiersAreStandard) {
  UsageRecord r = record("gpt-5.4", "2026-05-01T00:00:00Z", io(1000, 1000));
  const double standard = (1000 * 2.5 + 1000 * 15.0) / 1e6;
  r.service_tier = "flex";
  EXPECT_NEAR(usd(r), standard * 0.5, kEps);
  r.service_tier = "batch";
  EXPECT_NEAR(usd(r), standard * 0.5, kEps);
  r.service_tier = "default";
  EXPECT_NEAR(usd(r), standard, kEps);
  r.service_tier = "scale";
  EXPECT_NEAR(usd(r), standard, kEps);
}

TEST_F(BuiltinPricerTest, FastAndTierMultipliersStack) {
  UsageRecord r = record("claude-opus-4-8", "2026-08-01T00:00:00Z", io(1000, 1000));
  r.speed = "fast";
  r.service_tier = "batch";
  EXPECT_NEAR(usd(r), (1000 * 5.0 + 1000 * 25.0) * 2 * 0.5 / 1e6, kEps);
}

// --- validity dates ------------------------------------------------------------------------

TEST_F(BuiltinPricerTest, UsesTheRowValidAtTheRecordsTime) {
  const TokenCounts t = io(1'000'000, 1'000'000);
  EXPECT_NEAR(usd(record("o3", "2025-05-01T00:00:00Z", t)), 10.0 + 40.0, kEps);
  EXPECT_NEAR(usd(record("o3", "2025-06-09T23:59:59.999Z", t)), 10.0 + 40.0, kEps);
  EXPECT_NEAR(usd(record("o3", "2025-06-10T00:00:00Z", t)), 2.0 + 8.0, kEps);
  EXPECT_NEAR(usd(record("o3", "2026-01-01T00:00:00Z", t)), 2.0 + 8.0, kEps);
}

TEST_F(BuiltinPricerTest, RecordOlderThanEveryRowUsesTheEarliestRow) {
  EXPECT_NEAR(usd(record("o3", "2024-01-01T00:00:00Z", io(1'000'000, 0))), 10.0, kEps);
  UsageRecord r = record("claude-opus-4-6", "2026-01-01T00:00:00Z", io(1000, 0));
  r.speed = "fast";
  EXPECT_NEAR(usd(r), 1000 * 5.0 * 6 / 1e6, kEps);
}

// --- lookup steps --------------------------------------------------------------------------

struct LookupCase {
  const char* name;
  const char* key;
  MatchStep step;
};

TEST(TablePricerMatchTest, EachLookupStepFindsTheKey) {
  auto pricer = TablePricer::create(builtin_price_table(), {});
  ASSERT_TRUE(pricer) << pricer.error().message;
  const LookupCase cases[] = {
      {"claude-sonnet-4-5", "claude-sonnet-4-5", MatchStep::exact},
      {"anthropic/claude-sonnet-4-5", "claude-sonnet-4-5", MatchStep::prefix},
      {"openai/gpt-5.5", "gpt-5.5", MatchStep::prefix},
      {"gemini/gemini-2.5-pro", "gemini-2.5-pro", MatchStep::prefix},
      {"models/gemini-2.5-pro", "gemini-2.5-pro", MatchStep::prefix},
      {"Claude-Haiku-4-5", "claude-haiku-4-5", MatchStep::prefix},
      {"claude-opus-4-5-20251101", "claude-opus-4-5", MatchStep::date_suffix},
      {"claude-opus-4-5@20251101", "claude-opus-4-5", MatchStep::date_suffix},
      {"gpt-5.5-2026-04-23", "gpt-5.5", MatchStep::date_suffix},
      {"claude-3-5-haiku-20241022", "claude-3-5-haiku", MatchStep::date_suffix},
      {"us.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5", MatchStep::date_suffix},
      {"bedrock/us.anthropic.claude-opus-4-6-v1", "claude-opus-4-6", MatchStep::date_suffix},
      {"vertex_ai/claude-sonnet-4-6@default", "claude-sonnet-4-6", MatchStep::date_suffix},
      {"claude-opus-4.5", "claude-opus-4-5", MatchStep::version},
      {"anthropic/claude-sonnet-4.5-20250929", "claude-sonnet-4-5", MatchStep::version},
      {"gpt-5-4", "gpt-5.4", MatchStep::version},
  };
  const TimeMs when = at("2026-08-01T00:00:00Z");
  for (const LookupCase& c : cases) {
    const std::optional<Match> m = (*pricer)->match(c.name, when);
    ASSERT_TRUE(m.has_value()) << c.name;
    EXPECT_EQ(m->row->key, c.key) << c.name;
    EXPECT_EQ(m->step, c.step) << c.name << " matched by " << match_step_name(m->step);
  }
}

TEST(TablePricerMatchTest, ModelsInNoPriceListStayUnknown) {
  auto pricer = TablePricer::create(builtin_price_table(), {});
  ASSERT_TRUE(pricer);
  const TimeMs when = at("2026-11-22T00:00:00Z");
  for (const char* name :
       {"claude-opus-5-5", "gpt-6-sol", "gemini-3.8-flash", "gemini-3.5-flash-lite",
        "anthropic/claude-opus-5-5-20261101", "<synthetic>", ""}) {
    EXPECT_FALSE((*pricer)->match(name, when).has_value()) << name;
  }
}

TEST(TablePricerTest, UnknownModelUsesTheAgentsReportedCost) {
  auto pricer = make_builtin_pricer();
  UsageRecord r = record("claude-opus-5-5", "2026-11-22T22:06:44Z", io(100, 10));
  r.reported_cost_usd = 0.0123;
  const Cost c = pricer->price(r);
  EXPECT_EQ(c.source, CostSource::agent_reported);
  EXPECT_DOUBLE_EQ(c.usd, 0.0123);
  EXPECT_EQ(c.priced_as, "");
}

TEST(TablePricerTest, UnknownModelWithoutReportedCostIsUnpricedAtZero) {
  auto pricer = make_builtin_pricer();
  const Cost c = pricer->price(record("gpt-6-sol", "2026-11-22T22:06:44Z", io(12'855, 35)));
  EXPECT_EQ(c.source, CostSource::unpriced);
  EXPECT_EQ(c.usd, 0.0);
  EXPECT_EQ(c.priced_as, "");
}

TEST(TablePricerTest, KnownModelIgnoresTheReportedCost) {
  auto pricer = make_builtin_pricer();
  UsageRecord r = record("claude-haiku-4-5", "2026-11-22T22:06:44Z", io(1000, 100));
  r.reported_cost_usd = 99.0;
  const Cost c = pricer->price(r);
  EXPECT_EQ(c.source, CostSource::computed);
  EXPECT_NEAR(c.usd, (1000 * 1.0 + 100 * 5.0) / 1e6, kEps);
}

TEST(TablePricerTest, BucketCostsSumToThePrice) {
  auto pricer = TablePricer::create(builtin_price_table(), {});
  ASSERT_TRUE(pricer);
  TokenCounts t = io(1000, 2000);
  t.cache_read = 3000;
  t.cache_write = 4000;
  t.cache_write_1h = 1000;
  const UsageRecord r = record("claude-opus-4-7", "2026-05-01T00:00:00Z", t);
  const std::optional<BucketCosts> b = (*pricer)->bucket_costs_for(r);
  ASSERT_TRUE(b.has_value());
  EXPECT_NEAR(b->input, 1000 * 5.0 / 1e6, kEps);
  EXPECT_NEAR(b->cache_read, 3000 * 0.5 / 1e6, kEps);
  EXPECT_NEAR(b->cache_write_5m, 3000 * 6.25 / 1e6, kEps);
  EXPECT_NEAR(b->cache_write_1h, 1000 * 10.0 / 1e6, kEps);
  EXPECT_NEAR(b->output, 2000 * 25.0 / 1e6, kEps);
  EXPECT_NEAR(b->total(), (*pricer)->price(r).usd, kEps);
}

TEST(TablePricerTest, FingerprintIsStableForTheSameTable) {
  EXPECT_EQ(make_builtin_pricer()->fingerprint(), make_builtin_pricer()->fingerprint());
  const std::string prefix = "p" + std::to_string(kPricingRulesVersion) + "-";
  EXPECT_EQ(make_builtin_pricer()->fingerprint().rfind(prefix, 0), 0u);
}

}  // namespace
}  // namespace tally::pricing
