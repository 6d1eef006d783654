// The session anatomy (analytics/session_view.h) on constructed ledgers with known answers:
// prefix matching, active time and gaps, cost per prompt, sub-agents with their own cost,
// token shares. session_golden_test.cc pins the rendered output.

#include "analytics/session_view.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pricing/factory.h"
#include "session_view_fixture.h"
#include "store/sqlite/sqlite_backend.h"

namespace tally::analytics {
namespace {

using test::at;
using test::kMinute;

class SessionViewTest : public test::SessionLedgerTest {};

TEST_F(SessionViewTest, ActiveTimeLeavesOutGapsOverTheLimitAndListsTheLongestFirst) {
  auto a = build_session_anatomy(*ledger_, "sess-1111", {}, nullptr);
  ASSERT_TRUE(a) << a.error().message;
  // Activity 09:59-10:10 (11 min), 12:00-12:03 (3 min), next day 09:00-09:01:30 (1.5 min).
  EXPECT_EQ(a->start.ms, at("2026-11-20T09:59:00Z"));
  EXPECT_EQ(a->end.ms, at("2026-11-21T09:01:30Z"));
  EXPECT_EQ(a->active_ms, 15 * kMinute + 30 * 1000);
  EXPECT_EQ(a->gap_count, 2);
  ASSERT_EQ(a->gaps.size(), 2u);
  EXPECT_EQ(a->gaps[0].start.ms, at("2026-11-20T12:03:00Z"));
  EXPECT_EQ(a->gaps[0].end.ms, at("2026-11-21T09:00:00Z"));
  EXPECT_EQ(a->gaps[1].duration_ms(), 110 * kMinute);
  EXPECT_EQ(a->gap_total_ms, a->gaps[0].duration_ms() + a->gaps[1].duration_ms());
  EXPECT_EQ(a->active_ms + a->gap_total_ms, a->end.ms - a->start.ms);
}

TEST_F(SessionViewTest, ALongerIdleLimitTurnsTheShortGapIntoActiveTime) {
  SessionViewOptions options;
  options.idle_limit_ms = 120 * kMinute;
  options.max_gaps = 1;
  auto a = build_session_anatomy(*ledger_, "sess-1111", options, nullptr);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->gap_count, 1);
  EXPECT_EQ(a->active_ms, (15 + 110) * kMinute + 30 * 1000);
  // Exactly the limit is not a gap either.
  options.idle_limit_ms = 110 * kMinute;
  auto b = build_session_anatomy(*ledger_, "sess-1111", options, nullptr);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->gap_count, 1);
}

TEST_F(SessionViewTest, TotalsCoverTheTreeAndSubAgentsKeepTheirOwnCost) {
  auto a = build_session_anatomy(*ledger_, "sess-1111", {}, nullptr);
  ASSERT_TRUE(a) << a.error().message;
  store::RecordFilter own;
  own.session = "sess-1111";
  auto events = ledger_->events(own);
  ASSERT_TRUE(events);
  double all = 0;
  double sub = 0;
  for (const store::UsageEvent& e : *events) {
    all += e.cost_usd;
    sub += e.session_id == "sess-1111/agent-a1" ? e.cost_usd : 0;
  }
  ASSERT_GT(sub, 0);  // the model is priced: the test would be vacuous otherwise
  EXPECT_EQ(a->totals.requests, 9);
  EXPECT_EQ(a->responses, 8);
  EXPECT_EQ(a->unlogged, 1);
  EXPECT_DOUBLE_EQ(a->totals.cost_usd, all);
  ASSERT_EQ(a->subagents.size(), 1u);
  EXPECT_EQ(a->subagents[0].session_id, "sess-1111/agent-a1");
  EXPECT_EQ(a->subagents[0].totals.requests, 2);
  EXPECT_DOUBLE_EQ(a->subagents[0].totals.cost_usd, sub);
  EXPECT_DOUBLE_EQ(a->own_totals.cost_usd, all - sub);
  EXPECT_EQ(a->subagents[0].tool_calls, 2);
  // Three typed prompts: the cost per prompt is the tree's cost over three.
  ASSERT_TRUE(a->cost_per_prompt);
  EXPECT_DOUBLE_EQ(*a->cost_per_prompt, all / 3);
  // Facts: the user's counts are the root's, tools are the tree's.
  EXPECT_EQ(a->facts.user_prompts, 3);
  EXPECT_EQ(a->facts.commands, 1);
  EXPECT_EQ(a->facts.tool_calls.at("Bash"), 3);
  EXPECT_EQ(a->facts.tool_calls.at("Edit"), 2);
  EXPECT_EQ(a->facts.files_touched, (std::vector<std::string>{"/w/a.cc", "/w/b.cc"}));
  EXPECT_EQ(a->facts.compaction_tokens, (std::vector<std::int64_t>{150000}));
}

TEST_F(SessionViewTest, TokenSharesSplitTheTotal) {
  auto a = build_session_anatomy(*ledger_, "sess-1111", {}, nullptr);
  ASSERT_TRUE(a) << a.error().message;
  // Every record is 100 input, 700 cache read, 100 cache write, 100 output.
  const TokenShares s = token_shares(a->totals.tokens);
  EXPECT_DOUBLE_EQ(s.input, 0.1);
  EXPECT_DOUBLE_EQ(s.cache_read, 0.7);
  EXPECT_DOUBLE_EQ(s.cache_write, 0.1);
  EXPECT_DOUBLE_EQ(s.output, 0.1);
  EXPECT_DOUBLE_EQ(token_shares(TokenCounts{}).input, 0.0);
}

TEST_F(SessionViewTest, ModelsAreSplitByEffort) {
  auto a = build_session_anatomy(*ledger_, "sess-1111", {}, nullptr);
  ASSERT_TRUE(a) << a.error().message;
  std::int64_t high = 0;
  std::int64_t low = 0;
  for (const ModelUse& m : a->models) {
    EXPECT_EQ(m.model, test::kModel);
    (m.effort == "high" ? high : low) += m.totals.requests;
  }
  EXPECT_EQ(high, 7);
  EXPECT_EQ(low, 2);
}

TEST_F(SessionViewTest, AmbiguousPrefixListsTheCandidates) {
  auto a = build_session_anatomy(*ledger_, "sess-111", {}, nullptr);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, Errc::invalid_argument);
  EXPECT_NE(a.error().message.find("sess-1111"), std::string::npos) << a.error().message;
  EXPECT_NE(a.error().message.find("sess-1112"), std::string::npos) << a.error().message;
}

TEST_F(SessionViewTest, UnknownPrefixIsNotFound) {
  auto a = build_session_anatomy(*ledger_, "nope", {}, nullptr);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, Errc::not_found);
  EXPECT_NE(a.error().message.find("nope"), std::string::npos);
}

TEST_F(SessionViewTest, ASubAgentIdShowsItsParentSession) {
  auto a = build_session_anatomy(*ledger_, "sess-1111/agent", {}, nullptr);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->session_id, "sess-1111");
}

TEST_F(SessionViewTest, CodexSubAgentsWithIdsOfTheirOwnAreListed) {
  auto a = build_session_anatomy(*ledger_, "cdx-root", {}, nullptr);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->agent, Agent::codex);
  ASSERT_EQ(a->subagents.size(), 1u);
  EXPECT_EQ(a->subagents[0].session_id, "cdx-child");
  EXPECT_EQ(a->subagents[0].totals.requests, 1);
  EXPECT_EQ(a->totals.requests, 2);
  EXPECT_FALSE(a->cost_per_prompt);  // no typed prompt: no per-prompt cost, not a division by 0
}

TEST_F(SessionViewTest, TheAgentOptionNarrowsTheMatch) {
  SessionViewOptions options;
  options.agent = Agent::codex;
  auto a = build_session_anatomy(*ledger_, "sess-1111", options, nullptr);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, Errc::not_found);
}

TEST_F(SessionViewTest, TheLedgerMergesTheFactsOfEveryFileOfASession) {
  // A resumed Codex thread or a copied rollout: two files, one session.
  SessionFacts one = test::facts("sess-2000", "2026-11-22T10:00:00Z", "2026-11-22T10:10:00Z");
  one.file_key = "one.jsonl";
  one.user_prompts = 2;
  one.tool_calls = {{"Bash", 1}, {"Edit", 1}};
  one.files_touched = {"/w/z.cc"};
  one.compactions = 1;
  one.compaction_tokens = {5000};
  SessionFacts two = test::facts("sess-2000", "2026-11-22T09:00:00Z", "2026-11-22T09:30:00Z");
  two.file_key = "two.jsonl";
  two.user_prompts = 1;
  two.tool_calls = {{"Edit", 4}};
  two.files_touched = {"/w/a b.cc", "/w/z.cc"};
  two.compactions = 1;
  two.compaction_tokens = {7000};
  two.web_searches = 3;
  add(one, {});
  add(two, {});
  auto merged = ledger_->sessions("sess-2000");
  ASSERT_TRUE(merged) << merged.error().message;
  ASSERT_EQ(merged->size(), 1u);
  const SessionFacts& f = merged->front();
  EXPECT_EQ(f.first_ts, at("2026-11-22T09:00:00Z"));
  EXPECT_EQ(f.last_ts, at("2026-11-22T10:10:00Z"));
  EXPECT_EQ(f.user_prompts, 3);
  EXPECT_EQ(f.tool_calls, (std::map<std::string, std::int64_t>{{"Bash", 1}, {"Edit", 5}}));
  EXPECT_EQ(f.files_touched, (std::vector<std::string>{"/w/a b.cc", "/w/z.cc"}));
  EXPECT_EQ(f.compactions, 2);
  EXPECT_EQ(f.compaction_tokens.size(), 2u);
  EXPECT_EQ(f.web_searches, 3);
}

}  // namespace
}  // namespace tally::analytics
