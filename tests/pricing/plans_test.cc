#include "pricing/plans.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "pricing/config.h"

namespace tally::pricing {
namespace {

std::string error_of(const Result<std::vector<Plan>>& r) {
  return r ? std::string("(no error)") : r.error().message;
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// --- the built-in table ---------------------------------------------------------------------

TEST(BuiltinPlansTest, EmbeddedTableParsesWithTheListPrices) {
  auto plans = builtin_plans();
  ASSERT_TRUE(plans) << plans.error().message;
  struct Expected {
    const char* key;
    Agent agent;
    double usd;
  };
  const Expected expected[] = {
      {"claude-pro", Agent::claude, 20.0},       {"claude-max-5x", Agent::claude, 100.0},
      {"claude-max-20x", Agent::claude, 200.0},  {"chatgpt-plus", Agent::codex, 20.0},
      {"chatgpt-pro", Agent::codex, 200.0},      {"google-ai-pro", Agent::gemini, 19.99},
      {"google-ai-ultra", Agent::gemini, 249.99}};
  for (const Expected& e : expected) {
    const auto it =
        std::find_if(plans->begin(), plans->end(), [&e](const Plan& p) { return p.key == e.key; });
    ASSERT_NE(it, plans->end()) << e.key;
    EXPECT_EQ(it->agent, e.agent) << e.key;
    EXPECT_DOUBLE_EQ(it->monthly_usd, e.usd) << e.key;
    EXPECT_FALSE(it->label.empty()) << e.key;
  }
  const Plan& max = *std::find_if(plans->begin(), plans->end(),
                                  [](const Plan& p) { return p.key == "claude-max-20x"; });
  EXPECT_EQ(max.label, "Claude Max 20x");
  EXPECT_EQ(max.since, (Date{2025, 4, 9}));
}

TEST(PlanTableTest, DefaultsAndErrors) {
  auto plans = parse_plan_table("[[plan]]\nkey = \"Team-X\"\nagent = \"codex\"\nmonthly_usd = 30\n",
                                "p.toml");
  ASSERT_TRUE(plans) << error_of(plans);
  ASSERT_EQ(plans->size(), 1u);
  EXPECT_EQ((*plans)[0].key, "team-x");
  EXPECT_EQ((*plans)[0].label, "team-x");
  EXPECT_DOUBLE_EQ((*plans)[0].monthly_usd, 30.0);
  EXPECT_FALSE((*plans)[0].since.has_value());

  auto typo = parse_plan_table(
      "[[plan]]\nkey = \"a\"\nagent = \"claude\"\nmonthly_usd = 1\nlabl = \"A\"\n", "p.toml");
  ASSERT_FALSE(typo);
  EXPECT_TRUE(contains(typo.error().message, "p.toml:5:")) << typo.error().message;
  EXPECT_TRUE(contains(typo.error().message, "labl"));

  EXPECT_FALSE(parse_plan_table("[[plan]]\nkey = \"a\"\nagent = \"claude\"\n"));  // no price
  EXPECT_FALSE(parse_plan_table("[[plan]]\nkey = \"a\"\nagent = \"cursor\"\nmonthly_usd = 1\n"));
  EXPECT_FALSE(parse_plan_table("[[plan]]\nkey = \"a\"\nagent = \"claude\"\nmonthly_usd = -1\n"));
  EXPECT_FALSE(
      parse_plan_table("[[plan]]\nkey = \"a\"\nagent = \"claude\"\nmonthly_usd = 1\n"
                       "since = \"2025-02-30\"\n"));
  EXPECT_FALSE(
      parse_plan_table("[[plan]]\nkey = \"a\"\nagent = \"claude\"\nmonthly_usd = 1\n"
                       "[[plan]]\nkey = \"A\"\nagent = \"codex\"\nmonthly_usd = 2\n"));
  EXPECT_FALSE(parse_plan_table("[plans]\n"));
  auto bad_toml = parse_plan_table("[[plan]\n", "p.toml");
  ASSERT_FALSE(bad_toml);
  EXPECT_TRUE(contains(bad_toml.error().message, "p.toml:1:")) << bad_toml.error().message;
}

// --- the config ----------------------------------------------------------------------------

std::vector<Plan> parsed(std::string_view text) {
  auto plans = parse_plans_config(text, "tally.toml");
  EXPECT_TRUE(plans) << plans.error().message;
  return plans ? *plans : std::vector<Plan>{};
}

TEST(PlansConfigTest, NoPlanIsAnEmptyList) {
  EXPECT_TRUE(parsed("").empty());
  EXPECT_TRUE(parsed("timezone = \"UTC\"\n[pricing.aliases]\n\"a\" = \"gpt-5\"\n").empty());
  EXPECT_TRUE(parsed("plan = []\n").empty());
}

TEST(PlansConfigTest, OnePlanByName) {
  const std::vector<Plan> plans = parsed("plan = \"claude-max-20x\"\n");
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].key, "claude-max-20x");
  EXPECT_EQ(plans[0].label, "Claude Max 20x");
  EXPECT_EQ(plans[0].agent, Agent::claude);
  EXPECT_DOUBLE_EQ(plans[0].monthly_usd, 200.0);
  EXPECT_EQ(parsed("plan = \"Claude-Max-20x\"\n").size(), 1u);  // names in any case
}

TEST(PlansConfigTest, SeveralPlansByNameOrderedByAgent) {
  const std::vector<Plan> plans =
      parsed("plan = [\"google-ai-pro\", \"chatgpt-pro\", \"claude-pro\"]\n");
  ASSERT_EQ(plans.size(), 3u);
  EXPECT_EQ(plans[0].key, "claude-pro");
  EXPECT_EQ(plans[1].key, "chatgpt-pro");
  EXPECT_EQ(plans[2].key, "google-ai-pro");
}

TEST(PlansConfigTest, PerAgentTableWithNamesPricesAndInlineTables) {
  const std::vector<Plan> plans = parsed(R"(
[plans]
claude = "claude-max-20x"
codex = 200.0
gemini = { monthly_usd = 19.99, label = "Google AI Pro" }
)");
  ASSERT_EQ(plans.size(), 3u);
  EXPECT_EQ(plans[0].key, "claude-max-20x");
  EXPECT_EQ(plans[1].key, "custom");
  EXPECT_EQ(plans[1].label, "custom $200/month");
  EXPECT_EQ(plans[1].agent, Agent::codex);
  EXPECT_DOUBLE_EQ(plans[1].monthly_usd, 200.0);
  EXPECT_EQ(plans[2].key, "custom");
  EXPECT_EQ(plans[2].label, "Google AI Pro");
  EXPECT_EQ(plans[2].agent, Agent::gemini);
  EXPECT_DOUBLE_EQ(plans[2].monthly_usd, 19.99);

  const std::vector<Plan> more = parsed("[plans]\ncodex = 25\ngemini = { monthly_usd = 7.5 }\n");
  ASSERT_EQ(more.size(), 2u);
  EXPECT_EQ(more[0].label, "custom $25/month");  // an integer price is fine
  EXPECT_EQ(more[1].label, "custom $7.5/month");
}

TEST(PlansConfigTest, PlanAndPlansCombineForDifferentAgents) {
  const std::vector<Plan> plans = parsed("plan = \"chatgpt-plus\"\n[plans]\nclaude = 90\n");
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_EQ(plans[0].agent, Agent::claude);
  EXPECT_EQ(plans[1].key, "chatgpt-plus");
}

TEST(PlansConfigTest, UnknownPlanListsTheKnownKeys) {
  auto r = parse_plans_config("\nplan = \"claude-max-30x\"\n", "tally.toml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::parse);
  const std::string& m = r.error().message;
  EXPECT_TRUE(contains(m, "tally.toml:2:")) << m;
  EXPECT_TRUE(contains(m, "unknown plan 'claude-max-30x'")) << m;
  EXPECT_TRUE(contains(m,
                       "chatgpt-plus, chatgpt-pro, claude-max-20x, claude-max-5x, "
                       "claude-pro, google-ai-pro, google-ai-ultra"))
      << m;

  EXPECT_FALSE(parse_plans_config("[plans]\nclaude = \"claude-ultra\"\n"));
  EXPECT_FALSE(parse_plans_config("plan = [\"claude-pro\", \"nope\"]\n"));
}

TEST(PlansConfigTest, AnAgentCoveredTwiceIsAnError) {
  auto twice = parse_plans_config("plan = [\"claude-pro\", \"claude-max-5x\"]\n", "tally.toml");
  ASSERT_FALSE(twice);
  EXPECT_TRUE(contains(twice.error().message,
                       "agent 'claude' has two plans: 'claude-pro' and "
                       "'claude-max-5x'"))
      << twice.error().message;

  auto across = parse_plans_config("plan = \"chatgpt-pro\"\n\n[plans]\ncodex = 20\n", "tally.toml");
  ASSERT_FALSE(across);
  EXPECT_TRUE(contains(across.error().message, "tally.toml:4:")) << across.error().message;
  EXPECT_TRUE(contains(across.error().message, "'chatgpt-pro' and 'custom $20/month'"))
      << across.error().message;
}

TEST(PlansConfigTest, ATablePlanMustCoverItsAgent) {
  auto r = parse_plans_config("[plans]\ncodex = \"claude-max-20x\"\n");
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.error().message, "covers claude, not codex")) << r.error().message;
}

TEST(PlansConfigTest, NegativeAndNonFinitePricesAreErrors) {
  auto negative = parse_plans_config("[plans]\ncodex = -200.0\n", "tally.toml");
  ASSERT_FALSE(negative);
  EXPECT_TRUE(contains(negative.error().message, "tally.toml:2:")) << negative.error().message;
  EXPECT_TRUE(contains(negative.error().message, ">= 0")) << negative.error().message;
  EXPECT_FALSE(parse_plans_config("[plans]\ngemini = { monthly_usd = -1 }\n"));
  EXPECT_FALSE(parse_plans_config("[plans]\ngemini = inf\n"));
  EXPECT_FALSE(parse_plans_config("[plans]\ngemini = nan\n"));
  EXPECT_TRUE(parse_plans_config("[plans]\ngemini = 0\n"));  // a free tier is a price
}

TEST(PlansConfigTest, ShapeErrors) {
  EXPECT_FALSE(parse_plans_config("plan = 200\n"));
  EXPECT_FALSE(parse_plans_config("plan = [200]\n"));
  EXPECT_FALSE(parse_plans_config("[plan]\nclaude = \"claude-pro\"\n"));
  EXPECT_FALSE(parse_plans_config("plans = \"claude-pro\"\n"));
  EXPECT_FALSE(parse_plans_config("[plans]\ncursor = 20\n"));  // not an agent
  EXPECT_FALSE(parse_plans_config("[plans]\nclaude = true\n"));
  EXPECT_FALSE(parse_plans_config("[plans]\ngemini = { label = \"x\" }\n"));  // no price
  EXPECT_FALSE(parse_plans_config("[plans]\ngemini = { monthly_usd = 1, lable = \"x\" }\n"));
  auto bad_toml = parse_plans_config("x = 1\nplan = \"claude-pro\n", "tally.toml");
  ASSERT_FALSE(bad_toml);
  EXPECT_EQ(bad_toml.error().code, Errc::parse);
  EXPECT_TRUE(contains(bad_toml.error().message, "tally.toml:2:")) << bad_toml.error().message;
}

TEST(PlansConfigTest, ResolvesAgainstTheGivenTable) {
  const std::vector<Plan> known = {{"team", "Team", Agent::codex, 30.0, std::nullopt}};
  auto r = parse_plans_config("plan = \"team\"\n", "tally.toml", known);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].label, "Team");
  auto unknown = parse_plans_config("plan = \"claude-pro\"\n", "tally.toml", known);
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(contains(unknown.error().message, "(known: team;")) << unknown.error().message;
}

TEST(PlansConfigTest, OneFileFeedsBothPricingAndPlans) {
  constexpr const char* kFile = R"(
timezone = "Europe/Berlin"
plan = "claude-max-20x"

[plans]
codex = 200.0

[pricing.aliases]
"claude-opus-5-5" = "claude-opus-4-8"

[pricing.models."my-local-model"]
provider = "local"
input = 0.0
output = 0.0
)";
  auto pricing = parse_pricing_config(kFile, "tally.toml");
  ASSERT_TRUE(pricing) << pricing.error().message;
  EXPECT_EQ(pricing->aliases.size(), 1u);
  EXPECT_EQ(pricing->overrides.size(), 1u);
  auto plans = parse_plans_config(kFile, "tally.toml");
  ASSERT_TRUE(plans) << plans.error().message;
  ASSERT_EQ(plans->size(), 2u);
  EXPECT_EQ((*plans)[0].key, "claude-max-20x");
  EXPECT_EQ((*plans)[1].agent, Agent::codex);
}

}  // namespace
}  // namespace tally::pricing
