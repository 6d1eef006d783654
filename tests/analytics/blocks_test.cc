// 5-hour blocks on constructed events with known answers (analytics/blocks.h).

#include "analytics/blocks.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace tally::analytics {
namespace {

TimeMs at(const char* iso) { return *parse_iso8601(iso); }

store::UsageEvent event(const char* ts, std::int64_t input, double cost,
                        const std::string& model = "opus") {
  store::UsageEvent e;
  e.ts = at(ts);
  e.session_id = "s1";
  e.model = model;
  e.tokens.input = input;
  e.cost_usd = cost;
  return e;
}

TEST(BlocksTest, EmptyInputHasNoBlocks) {
  EXPECT_TRUE(build_blocks({}, at("2026-11-20T12:00:00Z")).empty());
  EXPECT_EQ(active_block({}), nullptr);
}

TEST(BlocksTest, ActiveBlockBurnRateAndProjection) {
  const std::vector<store::UsageEvent> events = {
      event("2026-11-20T10:20:00Z", 1000, 2.0), event("2026-11-20T11:20:00Z", 2000, 4.0, "sonnet")};
  const std::vector<Block> blocks = build_blocks(events, at("2026-11-20T12:20:00Z"));
  ASSERT_EQ(blocks.size(), 1u);
  const Block& b = blocks[0];
  EXPECT_EQ(b.start, at("2026-11-20T10:00:00Z"));  // floored to the hour
  EXPECT_EQ(b.end, at("2026-11-20T15:00:00Z"));
  EXPECT_EQ(b.first_ts, at("2026-11-20T10:20:00Z"));
  EXPECT_EQ(b.last_ts, at("2026-11-20T11:20:00Z"));
  EXPECT_TRUE(b.active);
  EXPECT_EQ(b.requests, 2);
  EXPECT_EQ(b.tokens.total(), 3000);
  EXPECT_DOUBLE_EQ(b.cost_usd, 6.0);
  EXPECT_EQ(b.models, (std::vector<std::string>{"opus", "sonnet"}));
  // Elapsed active span of the active block: first record to now = 120 min.
  ASSERT_TRUE(b.tokens_per_minute);
  EXPECT_DOUBLE_EQ(*b.tokens_per_minute, 25.0);
  ASSERT_TRUE(b.cost_per_hour);
  EXPECT_DOUBLE_EQ(*b.cost_per_hour, 3.0);
  // 160 minutes left: 3000 + 25 * 160 tokens, $6 + $3/h * 160/60 h.
  ASSERT_TRUE(b.projected_tokens);
  EXPECT_DOUBLE_EQ(*b.projected_tokens, 7000.0);
  ASSERT_TRUE(b.projected_cost_usd);
  EXPECT_DOUBLE_EQ(*b.projected_cost_usd, 14.0);
  // The low end: the block's average since its start (10:00, 140 min ago) for 160 minutes.
  ASSERT_TRUE(b.projected_cost_low_usd);
  EXPECT_DOUBLE_EQ(*b.projected_cost_low_usd, 6.0 + 6.0 / 140.0 * 160.0);
  EXPECT_DOUBLE_EQ(*b.projected_tokens_low, 3000.0 + 3000.0 / 140.0 * 160.0);
  EXPECT_LE(*b.projected_cost_low_usd, *b.projected_cost_usd);
  EXPECT_FALSE(b.too_early);
  EXPECT_EQ(active_block(blocks), &blocks[0]);
}

TEST(BlocksTest, FinishedBlockBurnsOverFirstToLastRecordAndHasNoProjection) {
  const std::vector<store::UsageEvent> events = {event("2026-11-20T10:00:00Z", 1000, 1.0),
                                                 event("2026-11-20T10:30:00Z", 2000, 2.0)};
  const std::vector<Block> blocks = build_blocks(events, at("2026-11-21T00:00:00Z"));
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_FALSE(blocks[0].active);
  EXPECT_DOUBLE_EQ(*blocks[0].tokens_per_minute, 100.0);  // 3000 tokens / 30 min
  EXPECT_DOUBLE_EQ(*blocks[0].cost_per_hour, 6.0);        // $3 / 0.5 h
  EXPECT_FALSE(blocks[0].projected_tokens);
  EXPECT_FALSE(blocks[0].projected_cost_usd);
  EXPECT_EQ(active_block(blocks), nullptr);
}

TEST(BlocksTest, ASpanUnderThirtyMinutesHasNoRate) {
  const std::vector<store::UsageEvent> events = {event("2026-11-20T10:00:00Z", 1000, 1.0),
                                                 event("2026-11-20T10:29:59.999Z", 1000, 1.0)};
  const std::vector<Block> blocks = build_blocks(events, at("2026-11-21T00:00:00Z"));
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_FALSE(blocks[0].tokens_per_minute);
  EXPECT_FALSE(blocks[0].cost_per_hour);
  EXPECT_FALSE(blocks[0].too_early);  // finished: there is nothing to be early for
}

TEST(BlocksTest, ABurstOfResponsesIsTooEarlyForARateOrAProjection) {
  // 24 responses a minute apart from 01:10, now a minute after the last: once "$236.23/h ·
  // projected $1073 by 02:00" in `tally watch`.
  std::vector<store::UsageEvent> events;
  for (int i = 0; i < 24; ++i) {
    store::UsageEvent e = event("2026-11-20T01:10:00Z", 1000, 4.0);
    e.ts += i * 60 * 1000;
    events.push_back(e);
  }
  std::vector<Block> blocks = build_blocks(events, at("2026-11-20T01:34:00Z"));
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_TRUE(blocks[0].active);
  EXPECT_TRUE(blocks[0].too_early);
  EXPECT_FALSE(blocks[0].cost_per_hour);
  EXPECT_FALSE(blocks[0].projected_cost_usd);
  EXPECT_FALSE(blocks[0].projected_cost_low_usd);
  // Thirty minutes after the first record: a rate, and a projection as a range whose low
  // end is the block's average since 01:00.
  blocks = build_blocks(events, at("2026-11-20T01:40:00Z"));
  EXPECT_FALSE(blocks[0].too_early);
  ASSERT_TRUE(blocks[0].cost_per_hour);
  EXPECT_DOUBLE_EQ(*blocks[0].cost_per_hour, 96.0 / 0.5);
  ASSERT_TRUE(blocks[0].projected_cost_low_usd);
  EXPECT_DOUBLE_EQ(*blocks[0].projected_cost_usd, 96.0 + 192.0 * 260.0 / 60.0);  // 4 h 20 left
  EXPECT_DOUBLE_EQ(*blocks[0].projected_cost_low_usd, 96.0 + 96.0 / 40.0 * 260.0);
  EXPECT_LT(*blocks[0].projected_cost_low_usd, *blocks[0].projected_cost_usd);
}

TEST(BlocksTest, ARecordExactlyAtTheEndOpensTheNextBlock) {
  const std::vector<store::UsageEvent> events = {
      event("2026-11-20T10:20:00Z", 1, 0), event("2026-11-20T14:59:59.999Z", 2, 0),
      event("2026-11-20T15:00:00Z", 4, 0), event("2026-11-20T20:59:00Z", 8, 0)};
  const std::vector<Block> blocks = build_blocks(events, at("2026-11-20T21:00:00Z"));
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].tokens.input, 3);
  EXPECT_EQ(blocks[1].start, at("2026-11-20T15:00:00Z"));
  EXPECT_EQ(blocks[1].tokens.input, 4);
  // 20:59 is past the second block's end (20:00): a third block, floored to 20:00.
  EXPECT_EQ(blocks[2].start, at("2026-11-20T20:00:00Z"));
  EXPECT_TRUE(blocks[2].active);
  EXPECT_FALSE(blocks[1].active);
}

TEST(BlocksTest, AGapOfMoreThanFiveHoursLeavesNoBlock) {
  const std::vector<store::UsageEvent> events = {event("2026-11-20T01:10:00Z", 1, 0),
                                                 event("2026-11-20T09:30:00Z", 1, 0)};
  const std::vector<Block> blocks = build_blocks(events, at("2026-11-20T23:00:00Z"));
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].start, at("2026-11-20T01:00:00Z"));
  EXPECT_EQ(blocks[1].start, at("2026-11-20T09:00:00Z"));
}

TEST(BlocksTest, ABlockSpansMidnight) {
  // Unsorted input: blocks sort by time first.
  const std::vector<store::UsageEvent> events = {event("2026-11-21T01:30:00Z", 2, 0),
                                                 event("2026-11-20T22:10:00Z", 1, 0),
                                                 event("2026-11-21T03:00:00Z", 4, 0)};
  const std::vector<Block> blocks = build_blocks(events, at("2026-11-21T12:00:00Z"));
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].start, at("2026-11-20T22:00:00Z"));
  EXPECT_EQ(blocks[0].end, at("2026-11-21T03:00:00Z"));
  EXPECT_EQ(blocks[0].tokens.input, 3);
  EXPECT_EQ(blocks[1].start, at("2026-11-21T03:00:00Z"));
}

TEST(BlocksTest, UnpricedRecordsAreCounted) {
  std::vector<store::UsageEvent> events = {event("2026-11-20T10:00:00Z", 1, 1.0)};
  events.push_back(event("2026-11-20T10:05:00Z", 1, 0.0, "mystery"));
  events.back().cost_source = CostSource::unpriced;
  const std::vector<Block> blocks = build_blocks(events, at("2026-11-20T10:10:00Z"));
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].unpriced_requests, 1);
  EXPECT_EQ(blocks[0].requests, 2);
}

}  // namespace
}  // namespace tally::analytics
