// Data-residency uplifts (spec rule 4, §1.4): inference_geo "us" bills Claude 4.6+ at 1.1x,
// OpenAI's regional processing bills GPT-5.4/5.5 at 1.1x for us and eu. To 1e-9 USD.

#include <gtest/gtest.h>

#include "pricing/builtin_table.h"
#include "pricing/cost_rules.h"
#include "pricing/factory.h"
#include "pricing/table_format.h"
#include "pricing/table_pricer.h"
#include "test_records.h"

namespace tally::pricing {
namespace {

using testing::io;
using testing::record;

constexpr double kEps = 1e-9;

class RegionalPricingTest : public ::testing::Test {
 protected:
  std::unique_ptr<Pricer> pricer_ = make_builtin_pricer();

  Cost price(const UsageRecord& r) const {
    const Cost c = pricer_->price(r);
    EXPECT_EQ(c.source, CostSource::computed) << r.model;
    return c;
  }
};

TEST(ParseRegionTest, UsAndEuInAnyCaseElseGlobal) {
  EXPECT_EQ(parse_region("us"), Region::us);
  EXPECT_EQ(parse_region("US"), Region::us);
  EXPECT_EQ(parse_region("eu"), Region::eu);
  EXPECT_EQ(parse_region("Eu"), Region::eu);
  EXPECT_EQ(parse_region(""), Region::global);
  EXPECT_EQ(parse_region("global"), Region::global);
  EXPECT_EQ(parse_region("not_available"), Region::global);
  EXPECT_EQ(parse_region("us-east5"), Region::global);
}

TEST_F(RegionalPricingTest, UsOnClaude46AndLaterBillsEveryBucketAt1point1) {
  TokenCounts t;
  t.input = 1000;
  t.cache_read = 200'000;
  t.cache_write = 30'000;
  t.cache_write_1h = 10'000;
  t.output = 5000;
  const double global =
      (1000 * 5.0 + 200'000 * 0.5 + 20'000 * 6.25 + 10'000 * 10.0 + 5000 * 25.0) / 1e6;
  UsageRecord r = record("claude-opus-4-8", "2026-08-01T12:00:00Z", t);
  EXPECT_NEAR(price(r).usd, global, kEps);
  r.inference_geo = "global";
  EXPECT_NEAR(price(r).usd, global, kEps);
  r.inference_geo = "us";
  EXPECT_NEAR(price(r).usd, global * 1.1, kEps);
  r.inference_geo = "US";
  EXPECT_NEAR(price(r).usd, global * 1.1, kEps);

  for (const char* model : {"claude-opus-4-6", "claude-opus-4-7", "claude-opus-5",
                            "claude-sonnet-4-6", "claude-sonnet-5", "claude-fable-5"}) {
    UsageRecord m = record(model, "2026-08-01T12:00:00Z", io(1000, 1000));
    const double plain = price(m).usd;
    m.inference_geo = "us";
    EXPECT_NEAR(price(m).usd, plain * 1.1, kEps) << model;
  }
}

TEST_F(RegionalPricingTest, ModelsWithoutAnUpliftIgnoreTheRegion) {
  for (const char* model :
       {"claude-opus-4-5", "claude-sonnet-4-5", "claude-haiku-4-5", "gpt-5.2", "gemini-2.5-pro"}) {
    UsageRecord r = record(model, "2026-08-01T12:00:00Z", io(10'000, 1000));
    const double global = price(r).usd;
    r.inference_geo = "us";
    EXPECT_NEAR(price(r).usd, global, kEps) << model;
    r.inference_geo = "eu";
    EXPECT_NEAR(price(r).usd, global, kEps) << model;
  }
  // Claude has no EU uplift.
  UsageRecord opus = record("claude-opus-4-8", "2026-08-01T12:00:00Z", io(1000, 1000));
  opus.inference_geo = "eu";
  EXPECT_NEAR(price(opus).usd, (1000 * 5.0 + 1000 * 25.0) / 1e6, kEps);
}

TEST_F(RegionalPricingTest, OpenAiRegionalProcessingForUsAndEu) {
  UsageRecord r = record("gpt-5.5", "2026-05-01T00:00:00Z", io(10'000, 1000));
  const double global = (10'000 * 5.0 + 1000 * 30.0) / 1e6;
  EXPECT_NEAR(price(r).usd, global, kEps);
  r.inference_geo = "eu";
  EXPECT_NEAR(price(r).usd, global * 1.1, kEps);
  r.inference_geo = "us";
  EXPECT_NEAR(price(r).usd, global * 1.1, kEps);
}

TEST_F(RegionalPricingTest, StacksWithFastAndServiceTier) {
  UsageRecord r = record("claude-opus-4-8", "2026-08-01T00:00:00Z", io(1000, 1000));
  const double global = (1000 * 5.0 + 1000 * 25.0) / 1e6;
  r.speed = "fast";
  r.inference_geo = "us";
  EXPECT_NEAR(price(r).usd, global * 2 * 1.1, kEps);
  r.service_tier = "batch";
  EXPECT_NEAR(price(r).usd, global * 2 * 0.5 * 1.1, kEps);

  // Explicit priority rates are uplifted too: GPT-5.5 priority 12.5 / 75.
  UsageRecord gpt = record("gpt-5.5", "2026-05-01T00:00:00Z", io(1000, 1000));
  gpt.service_tier = "priority";
  gpt.inference_geo = "eu";
  EXPECT_NEAR(price(gpt).usd, (1000 * 12.5 + 1000 * 75.0) * 1.1 / 1e6, kEps);
}

TEST_F(RegionalPricingTest, StandardSpeedWhatIfKeepsTheUplift) {
  UsageRecord r = record("claude-opus-4-8", "2026-08-01T00:00:00Z", io(1000, 1000));
  const double global = (1000 * 5.0 + 1000 * 25.0) / 1e6;
  r.speed = "fast";
  r.inference_geo = "us";
  const Cost c = price(r);
  EXPECT_NEAR(c.usd, global * 2 * 1.1, kEps);
  EXPECT_NEAR(c.standard_usd, global * 1.1, kEps);

  UsageRecord gpt = record("gpt-5.5", "2026-05-01T00:00:00Z", io(1000, 1000));
  gpt.service_tier = "priority";
  gpt.inference_geo = "us";
  EXPECT_NEAR(price(gpt).standard_usd, (1000 * 5.0 + 1000 * 30.0) * 1.1 / 1e6, kEps);
}

TEST_F(RegionalPricingTest, BucketCostsCarryTheUplift) {
  auto pricer = TablePricer::create(builtin_price_table(), {});
  ASSERT_TRUE(pricer) << pricer.error().message;
  UsageRecord r = record("claude-sonnet-4-6", "2026-03-01T00:00:00Z", io(1000, 2000));
  r.inference_geo = "us";
  const std::optional<BucketCosts> b = (*pricer)->bucket_costs_for(r);
  ASSERT_TRUE(b.has_value());
  EXPECT_NEAR(b->input, 1000 * 3.0 * 1.1 / 1e6, kEps);
  EXPECT_NEAR(b->output, 2000 * 15.0 * 1.1 / 1e6, kEps);
  EXPECT_NEAR(b->total(), (*pricer)->price(r).usd, kEps);
}

TEST(RegionalTableFormatTest, MultipliersRoundTripAndDefaultToOne) {
  auto rows = parse_price_table(R"(
[[model]]
key = "a"
input = 1.0
output = 2.0
us_multiplier = 1.1
eu_multiplier = 1.2

[[model]]
key = "b"
input = 1.0
output = 2.0
)");
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_DOUBLE_EQ((*rows)[0].us_multiplier, 1.1);
  EXPECT_DOUBLE_EQ((*rows)[0].eu_multiplier, 1.2);
  EXPECT_DOUBLE_EQ((*rows)[1].us_multiplier, 1.0);
  EXPECT_DOUBLE_EQ((*rows)[1].eu_multiplier, 1.0);
  auto back = parse_price_table(write_price_table(*rows));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, *rows);

  EXPECT_FALSE(
      parse_price_table("[[model]]\nkey = \"a\"\ninput = 1\noutput = 1\n"
                        "us_multiplier = 0\n"));
  EXPECT_FALSE(
      parse_price_table("[[model]]\nkey = \"a\"\ninput = 1\noutput = 1\n"
                        "eu_multiplier = \"1.1\"\n"));
}

TEST(RegionalTableFormatTest, ChangingAnUpliftChangesTheFingerprint) {
  std::vector<PriceRow> rows = builtin_price_table().rows();
  const std::string before = pricing_fingerprint(*PriceTable::from_rows(rows), {});
  for (PriceRow& row : rows) {
    if (row.key == "claude-opus-4-8") {
      row.us_multiplier = 1.2;
    }
  }
  EXPECT_NE(pricing_fingerprint(*PriceTable::from_rows(rows), {}), before);
}

}  // namespace
}  // namespace tally::pricing
