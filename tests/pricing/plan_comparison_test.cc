#include "pricing/plan_comparison.h"

#include <gtest/gtest.h>

namespace tally::pricing {
namespace {

constexpr double kEps = 1e-9;

Plan plan(Agent agent, double monthly_usd) {
  return Plan{"custom", "custom", agent, monthly_usd, std::nullopt};
}

TEST(PeriodTest, CountsBothEnds) {
  EXPECT_EQ(period_days({Date{2026, 7, 1}, Date{2026, 7, 31}}), 31);
  EXPECT_EQ(period_days({Date{2026, 7, 5}, Date{2026, 7, 5}}), 1);
  EXPECT_EQ(period_days({Date{2026, 7, 5}, Date{2026, 7, 4}}), 0);
}

TEST(ProrateTest, AWholeCalendarMonthIsExactlyThePrice) {
  EXPECT_EQ(prorated_plan_usd(200.0, {Date{2026, 2, 1}, Date{2026, 2, 28}}), 200.0);
  EXPECT_EQ(prorated_plan_usd(200.0, {Date{2026, 7, 1}, Date{2026, 7, 31}}), 200.0);
  EXPECT_EQ(prorated_plan_usd(19.99, {Date{2024, 2, 1}, Date{2024, 2, 29}}), 19.99);  // leap
  EXPECT_EQ(prorated_plan_usd(249.99, {Date{2026, 4, 1}, Date{2026, 4, 30}}), 249.99);
  EXPECT_NEAR(prorated_plan_usd(100.0, {Date{2026, 1, 1}, Date{2026, 12, 31}}), 1200.0, kEps);
}

TEST(ProrateTest, DaysInsideAMonthUseThatMonthsLength) {
  EXPECT_NEAR(prorated_plan_usd(200.0, {Date{2026, 7, 1}, Date{2026, 7, 7}}), 200.0 * 7 / 31, kEps);
  EXPECT_NEAR(prorated_plan_usd(200.0, {Date{2026, 2, 10}, Date{2026, 2, 16}}), 200.0 * 7 / 28,
              kEps);
  EXPECT_NEAR(prorated_plan_usd(200.0, {Date{2026, 4, 15}, Date{2026, 4, 15}}), 200.0 / 30, kEps);
}

TEST(ProrateTest, RollingWindowsAddEachMonthsPart) {
  // 2026-02-20 .. 2026-03-21: 9 days of February (28) and 21 of March (31).
  EXPECT_NEAR(prorated_plan_usd(200.0, {Date{2026, 2, 20}, Date{2026, 3, 21}}),
              200.0 * 9 / 28 + 200.0 * 21 / 31, kEps);
  // Over a year's end: 3 days of December, 4 of January.
  EXPECT_NEAR(prorated_plan_usd(20.0, {Date{2025, 12, 29}, Date{2026, 1, 4}}),
              20.0 * 3 / 31 + 20.0 * 4 / 31, kEps);
}

TEST(ProrateTest, EmptyPeriodAndFreePlanCostNothing) {
  EXPECT_EQ(prorated_plan_usd(200.0, {Date{2026, 7, 2}, Date{2026, 7, 1}}), 0.0);
  EXPECT_EQ(prorated_plan_usd(0.0, {Date{2026, 7, 1}, Date{2026, 7, 31}}), 0.0);
}

TEST(ComparePlanTest, RatioOfApiEquivalentToProratedPrice) {
  const AgentCosts costs = {{Agent::claude, 1234.5}, {Agent::codex, 50.0}};
  const Period july{Date{2026, 7, 1}, Date{2026, 7, 31}};
  const PlanComparison c = compare_plan(plan(Agent::claude, 200.0), costs, july);
  EXPECT_NEAR(c.api_equivalent_usd, 1234.5, kEps);
  EXPECT_NEAR(c.plan_usd, 200.0, kEps);
  EXPECT_NEAR(c.ratio, 1234.5 / 200.0, kEps);
  EXPECT_NEAR(c.saved_usd(), 1034.5, kEps);

  const Period week{Date{2026, 7, 1}, Date{2026, 7, 7}};
  const PlanComparison w = compare_plan(plan(Agent::codex, 200.0), costs, week);
  EXPECT_NEAR(w.plan_usd, 200.0 * 7 / 31, kEps);
  EXPECT_NEAR(w.ratio, 50.0 / (200.0 * 7 / 31), kEps);
  EXPECT_NEAR(w.saved_usd(), 50.0 - 200.0 * 7 / 31, kEps);  // negative: the plan cost more
}

TEST(ComparePlanTest, NoUsageOrFreePlan) {
  const Period july{Date{2026, 7, 1}, Date{2026, 7, 31}};
  const PlanComparison idle = compare_plan(plan(Agent::gemini, 19.99), {}, july);
  EXPECT_EQ(idle.api_equivalent_usd, 0.0);
  EXPECT_NEAR(idle.plan_usd, 19.99, kEps);
  EXPECT_EQ(idle.ratio, 0.0);
  const PlanComparison free = compare_plan(plan(Agent::gemini, 0.0), {{Agent::gemini, 5.0}}, july);
  EXPECT_EQ(free.plan_usd, 0.0);
  EXPECT_EQ(free.ratio, 0.0);  // no meaningful ratio
  EXPECT_NEAR(free.saved_usd(), 5.0, kEps);
}

TEST(ComparePlansTest, SumsCoveredAgentsOnly) {
  const std::vector<Plan> plans = {plan(Agent::claude, 200.0), plan(Agent::codex, 20.0)};
  const AgentCosts costs = {
      {Agent::claude, 900.0}, {Agent::codex, 60.0}, {Agent::gemini, 7.0}};  // gemini: per token
  const Period june{Date{2026, 6, 1}, Date{2026, 6, 30}};
  const PlanComparison c = compare_plans(plans, costs, june);
  EXPECT_NEAR(c.api_equivalent_usd, 960.0, kEps);
  EXPECT_NEAR(c.plan_usd, 220.0, kEps);
  EXPECT_NEAR(c.ratio, 960.0 / 220.0, kEps);

  const Period ten{Date{2026, 6, 1}, Date{2026, 6, 10}};
  const PlanComparison p = compare_plans(plans, costs, ten);
  EXPECT_NEAR(p.plan_usd, 220.0 * 10 / 30, kEps);
  EXPECT_NEAR(p.ratio, 960.0 / (220.0 * 10 / 30), kEps);

  EXPECT_EQ(compare_plans({}, costs, june).api_equivalent_usd, 0.0);
  EXPECT_EQ(compare_plans({}, costs, june).ratio, 0.0);
}

}  // namespace
}  // namespace tally::pricing
