#include "pricing/config.h"

#include <gtest/gtest.h>

#include "pricing/factory.h"
#include "pricing/table_format.h"
#include "test_records.h"

namespace tally::pricing {
namespace {

using testing::io;
using testing::record;

constexpr double kEps = 1e-9;

constexpr const char* kConfig = R"(
[general]
zone = "Europe/Berlin"   # not ours: ignored

[pricing.aliases]
"claude-opus-5-5" = "claude-opus-4-8"
"gpt-6-sol" = "openai/gpt-5.5"

[pricing.models."my-local-model"]
provider = "local"
input = 0.0
output = 0.0

[pricing.models."claude-opus-4-6"]
provider = "anthropic"
input = 4.0
output = 20.0

[[pricing.models."house-model"]]
since = 2026-01-01
input = 1.0
output = 2.0

[[pricing.models."house-model"]]
since = 2026-06-01
input = 0.5
output = 1.0
priority_multiplier = 3.0
)";

PricingConfig parsed(const char* text) {
  auto config = parse_pricing_config(text, "tally.toml");
  EXPECT_TRUE(config) << config.error().message;
  return config ? *config : PricingConfig{};
}

TEST(ParsePricingConfigTest, ReadsAliasesAndModelRows) {
  const PricingConfig config = parsed(kConfig);
  EXPECT_EQ(config.aliases.size(), 2u);
  EXPECT_EQ(config.aliases.at("claude-opus-5-5"), "claude-opus-4-8");
  ASSERT_EQ(config.overrides.size(), 4u);
  EXPECT_TRUE(config.imported.empty());
}

TEST(ParsePricingConfigTest, NoPricingSectionIsAnEmptyConfig) {
  const PricingConfig config = parsed("[general]\nx = 1\n");
  EXPECT_TRUE(config.aliases.empty());
  EXPECT_TRUE(config.overrides.empty());
}

TEST(ParsePricingConfigTest, RejectsTyposAndBadValues) {
  auto typo = parse_pricing_config("[pricing.alias]\n\"a\" = \"b\"\n", "tally.toml");
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().message.find("pricing.alias"), std::string::npos);
  EXPECT_FALSE(parse_pricing_config("[pricing.aliases]\n\"a\" = 3\n"));
  auto bad_row = parse_pricing_config("[pricing.models.\"m\"]\ninput = 1.0\n", "tally.toml");
  ASSERT_FALSE(bad_row);
  EXPECT_NE(bad_row.error().message.find("tally.toml:1:"), std::string::npos)
      << bad_row.error().message;
  EXPECT_FALSE(
      parse_pricing_config("[pricing.models.\"m\"]\ninput = 1.0\noutput = 1\nkey = \"x\"\n"));
  EXPECT_FALSE(parse_pricing_config("[pricing\n"));
}

class ConfiguredPricerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pricer = make_table_pricer(parsed(kConfig));
    ASSERT_TRUE(pricer) << pricer.error().message;
    pricer_ = std::move(*pricer);
  }
  std::unique_ptr<TablePricer> pricer_;
};

TEST_F(ConfiguredPricerTest, AliasPricesAsItsTarget) {
  const Cost c = pricer_->price(record("claude-opus-5-5", "2026-11-22T00:00:00Z", io(1000, 1000)));
  EXPECT_EQ(c.source, CostSource::computed);
  EXPECT_EQ(c.priced_as, "claude-opus-4-8");
  EXPECT_NEAR(c.usd, (1000 * 5.0 + 1000 * 25.0) / 1e6, kEps);

  // The alias is tried at every step, and its target goes through normal lookup.
  const auto m = pricer_->match("anthropic/claude-opus-5-5-20261101", 0);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->step, MatchStep::alias);
  EXPECT_EQ(m->row->key, "claude-opus-4-8");
  const Cost sol = pricer_->price(record("gpt-6-sol", "2026-11-22T00:00:00Z", io(12'855, 35)));
  EXPECT_EQ(sol.priced_as, "gpt-5.5");
  EXPECT_NEAR(sol.usd, (12'855 * 5.0 + 35 * 30.0) / 1e6, kEps);
}

TEST_F(ConfiguredPricerTest, AliasBeatsATableKey) {
  auto pricer = make_table_pricer(parsed("[pricing.aliases]\n\"gpt-5\" = \"gpt-5-mini\"\n"));
  ASSERT_TRUE(pricer);
  const Cost c = (*pricer)->price(record("gpt-5", "2026-01-01T00:00:00Z", io(1'000'000, 0)));
  EXPECT_EQ(c.priced_as, "gpt-5-mini");
  EXPECT_NEAR(c.usd, 0.25, kEps);
}

TEST_F(ConfiguredPricerTest, LocalModelIsComputedAtZero) {
  const Cost c = pricer_->price(record("my-local-model", "2026-11-22T00:00:00Z", io(5000, 5000)));
  EXPECT_EQ(c.source, CostSource::computed);
  EXPECT_EQ(c.usd, 0.0);
}

TEST_F(ConfiguredPricerTest, OverrideReplacesEveryBuiltinRowOfItsKey) {
  UsageRecord r = record("claude-opus-4-6", "2026-03-01T00:00:00Z", io(1000, 1000));
  r.speed = "fast";  // the override has no fast multiplier: standard
  const Cost c = pricer_->price(r);
  EXPECT_NEAR(c.usd, (1000 * 4.0 + 1000 * 20.0) / 1e6, kEps);
  EXPECT_EQ(pricer_->table().history("claude-opus-4-6").size(), 1u);
}

TEST_F(ConfiguredPricerTest, OverrideRowsKeepTheirDates) {
  TokenCounts t = io(1'000'000, 1'000'000);
  EXPECT_NEAR(pricer_->price(record("house-model", "2026-03-01T00:00:00Z", t)).usd, 3.0, kEps);
  UsageRecord later = record("house-model", "2026-07-01T00:00:00Z", t);
  EXPECT_NEAR(pricer_->price(later).usd, 1.5, kEps);
  later.service_tier = "priority";  // multiplier only, no explicit rates
  EXPECT_NEAR(pricer_->price(later).usd, 4.5, kEps);
}

TEST(MakePricerTest, RejectsAnAliasToAnUnknownModel) {
  auto pricer = make_pricer(parsed("[pricing.aliases]\n\"x\" = \"claude-opus-9\"\n"));
  ASSERT_FALSE(pricer);
  EXPECT_EQ(pricer.error().code, Errc::invalid_argument);
  EXPECT_NE(pricer.error().message.find("claude-opus-9"), std::string::npos);
}

TEST(MakePricerTest, ImportedTableSitsBetweenBuiltinAndOverrides) {
  PricingConfig config;
  auto imported = parse_price_table(R"(
[[model]]
key = "gpt-5"
provider = "openai"
input = 1.0
output = 1.0

[[model]]
key = "new-model"
input = 2.0
output = 2.0
)");
  ASSERT_TRUE(imported) << imported.error().message;
  config.imported = *imported;
  auto pricer = make_pricer(config);
  ASSERT_TRUE(pricer);
  const TokenCounts t = io(1'000'000, 0);
  EXPECT_NEAR((*pricer)->price(record("gpt-5", "2026-01-01T00:00:00Z", t)).usd, 1.0, kEps);
  EXPECT_NEAR((*pricer)->price(record("new-model", "2026-01-01T00:00:00Z", t)).usd, 2.0, kEps);

  auto overrides = parse_pricing_config("[pricing.models.\"gpt-5\"]\ninput = 3.0\noutput = 3.0\n");
  ASSERT_TRUE(overrides);
  config.overrides = overrides->overrides;
  auto top = make_pricer(config);
  ASSERT_TRUE(top);
  EXPECT_NEAR((*top)->price(record("gpt-5", "2026-01-01T00:00:00Z", t)).usd, 3.0, kEps);
}

TEST(FingerprintTest, ChangesWithAnyOverrideAliasOrRate) {
  const std::string builtin = make_builtin_pricer()->fingerprint();
  auto empty = make_pricer(PricingConfig{});
  ASSERT_TRUE(empty);
  EXPECT_EQ((*empty)->fingerprint(), builtin);

  auto fp = [](const char* text) {
    auto config = parse_pricing_config(text);
    EXPECT_TRUE(config) << config.error().message;
    auto pricer = make_pricer(*config);
    EXPECT_TRUE(pricer) << pricer.error().message;
    return pricer ? (*pricer)->fingerprint() : std::string();
  };
  const std::string override_a = fp("[pricing.models.\"gpt-5\"]\ninput = 1.25\noutput = 10.0\n");
  const std::string override_b = fp("[pricing.models.\"gpt-5\"]\ninput = 1.25\noutput = 10.5\n");
  const std::string alias_a = fp("[pricing.aliases]\n\"x\" = \"gpt-5\"\n");
  const std::string alias_b = fp("[pricing.aliases]\n\"x\" = \"gpt-5-mini\"\n");
  EXPECT_NE(override_a, builtin);  // gpt-5 loses its priority rates
  EXPECT_NE(override_a, override_b);
  EXPECT_NE(alias_a, builtin);
  EXPECT_NE(alias_a, alias_b);
  EXPECT_EQ(alias_a, fp("[pricing.aliases]\n\"x\" = \"gpt-5\"\n"));
}

}  // namespace
}  // namespace tally::pricing
