#include "sources/claude.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "core/time.h"
#include "sources/fs_walk.h"
#include "test_support.h"

// Tests of the Claude Code adapter against agent-logs.md §2 (rules 1-9), on the derived real
// fixtures and on real-shaped lines built here (the 2.1.330 layout, free text shortened).
// The ledger-side halves of rules 1, 3 and 4 (upsert preference, reconciliation) are tested in
// tests/store and tests/ingest.

namespace tally::sources {
namespace {

using test::describe;
using test::WantsEverything;

const std::string kProjects = "/.claude/projects/";
const std::string kS1 =
    "-tmp-realcli-runs-claude-work-s1-hi/db905aa5-c229-4a70-ae4e-b9ad3c3b48d5.jsonl";
const std::string kS2Bash =
    "-tmp-realcli-runs-claude-work-s2-bash/0b42a316-284d-414b-9a0c-d53c83dd03ac.jsonl";
const std::string kS2Haiku =
    "-tmp-realcli-runs-claude-work-s2-bash/681111ab-035e-4fd7-941f-97a837aac1cc.jsonl";
const std::string kS3 =
    "-tmp-realcli-runs-claude-work-s3-multiturn/5daf8a42-7cc3-4c00-8d06-cc84cf26668f.jsonl";
const std::string kS3Session = "5daf8a42-7cc3-4c00-8d06-cc84cf26668f";
const std::string kS4 =
    "-tmp-realcli-runs-claude-work-s4-subagent/a6e0e7e2-b505-4c7a-b792-96d2925543e7.jsonl";
const std::string kS4Session = "a6e0e7e2-b505-4c7a-b792-96d2925543e7";
const std::string kS4Agent =
    "-tmp-realcli-runs-claude-work-s4-subagent/a6e0e7e2-b505-4c7a-b792-96d2925543e7/subagents/"
    "agent-aa7b8e1b608180d66.jsonl";
const std::string kS5Retry =
    "-tmp-realcli-runs-claude-work-s5-retry/79b7f23c-9690-45ad-81dc-04d4d4062de2.jsonl";
const std::string kS5Hard =
    "-tmp-realcli-runs-claude-work-s5-retry/9d1af14c-0652-432d-8d83-ff9ff03c77fe.jsonl";
const std::vector<std::string> kAllFixtures = {kS1, kS2Bash,  kS2Haiku, kS3,
                                               kS4, kS4Agent, kS5Retry, kS5Hard};

// Where synthetic lines claim to live: the project slug is the fallback project.
const std::string kSynthPath =
    "/home/me/.claude/projects/-work-app/11111111-2222-3333-4444-555555555555.jsonl";
const std::string kSynthSession = "11111111-2222-3333-4444-555555555555";

SourceFile claude_file(const std::string& path) {
  return SourceFile{Agent::claude, path, base_name(path), false, std::nullopt};
}

SourceFile fixture(const std::string& rel) {
  return claude_file(test::real_home() + kProjects + rel);
}

ParseOutput parse_fixture(const std::string& rel) {
  return test::parse_file(*make_claude_adapter(), fixture(rel));
}

ParseOutput parse_lines(const std::vector<std::string>& lines,
                        const std::string& path = kSynthPath) {
  std::string text;
  for (const std::string& l : lines) {
    text += l;
    text += '\n';
  }
  return test::parse_text(*make_claude_adapter(), claude_file(path), text);
}

TimeMs ts(std::string_view text) { return parse_iso8601(text).value_or(-1); }

// An assistant line in the 2.1.330 shape (see the s3 fixture, line 21).
struct Assistant {
  std::string id = "msg_01AZfCmd8WY8ZobJ2dNvlWYt";
  std::string request = "req_01m8dSvpAd497L3jNdU3mS72";  // "" leaves requestId out
  std::string model = "claude-opus-5-5";
  std::int64_t input = 5;
  std::int64_t cache_write = 12298;
  std::int64_t cache_write_1h = 0;
  std::int64_t cache_read = 0;
  std::int64_t output = 30;
  std::int64_t thinking = 0;
  std::int64_t web_search = 0;
  std::string speed = "standard";
  std::string tier = "standard";
  std::string timestamp = "2026-11-22T22:06:44.179Z";
  std::string effort = "medium";
  std::string cwd = "/tmp/realcli/runs/claude/work/s3-multiturn";  // "" leaves cwd out
  std::string session = kSynthSession;
  std::string agent_id;  // sub-agent lines
  bool sidechain = false;
  std::string block = R"({"type":"text","text":"scrubbed c68d3d79"})";
  std::string extra;  // more top-level fields, each followed by ','
};

std::string line(const Assistant& a) {
  const std::string usage = fmt::format(
      R"({{"input_tokens":{},"cache_creation_input_tokens":{},"cache_read_input_tokens":{},)"
      R"("output_tokens":{},"output_tokens_details":{{"thinking_tokens":{}}},)"
      R"("server_tool_use":{{"web_search_requests":{},"web_fetch_requests":0}},"service_tier":"{}",)"
      R"("cache_creation":{{"ephemeral_1h_input_tokens":{},"ephemeral_5m_input_tokens":{}}},)"
      R"("inference_geo":"","iterations":[],"speed":"{}","fallback_credit":null}})",
      a.input, a.cache_write, a.cache_read, a.output, a.thinking, a.web_search, a.tier,
      a.cache_write_1h, a.cache_write - a.cache_write_1h, a.speed);
  return fmt::format(
      R"({{"parentUuid":"45e8650a-9c85-4c10-882f-1324981fbfff","isSidechain":{},{})"
      R"("message":{{"id":"{}","type":"message","role":"assistant","model":"{}","content":[{}],)"
      R"("stop_reason":"tool_use","stop_sequence":null,"usage":{},"stop_details":null}},)"
      R"("apiBlockIndex":0,{}"requestedModel":"{}","type":"assistant",)"
      R"("uuid":"38e0e6bc-a3f0-4bfa-8eee-9045e592ec0b","timestamp":"{}","effort":"{}",)"
      R"({}"userType":"external","entrypoint":"sdk-cli",{}"sessionId":"{}","version":"2.1.330",)"
      R"("gitBranch":"HEAD"}})",
      a.sidechain ? "true" : "false",
      a.agent_id.empty() ? std::string() : fmt::format(R"("agentId":"{}",)", a.agent_id), a.id,
      a.model, a.block, usage,
      a.request.empty() ? std::string() : fmt::format(R"("requestId":"{}",)", a.request), a.model,
      a.timestamp, a.effort, a.extra,
      a.cwd.empty() ? std::string() : fmt::format(R"("cwd":"{}",)", a.cwd), a.session);
}

// A user line; `content` is raw JSON (a string literal or an array of blocks).
std::string user_line(std::string_view content, std::string_view flags = "",
                      std::string_view at = "2026-11-22T22:06:44.280Z") {
  return fmt::format(
      R"({{"parentUuid":"38e0e6bc-a3f0-4bfa-8eee-9045e592ec0b","isSidechain":false,)"
      R"("promptId":"a7fe92fb-077c-4712-b2b6-c81311a1db6e","type":"user",)"
      R"("message":{{"role":"user","content":{}}},{}"uuid":"87945011-e179-4ed4-9a76-e374ba4d755f",)"
      R"("timestamp":"{}","userType":"external","entrypoint":"sdk-cli",)"
      R"("cwd":"/tmp/realcli/runs/claude/work/s3-multiturn","sessionId":"{}","version":"2.1.330",)"
      R"("gitBranch":"HEAD"}})",
      content, flags, at, kSynthSession);
}

std::string cost_state_line(std::int64_t input, std::int64_t output, std::int64_t cache_read,
                            std::int64_t cache_write, double cost) {
  return fmt::format(
      R"({{"type":"cost-state","sessionId":"{}","totalCostUSD":{},"totalAPIDuration":274,)"
      R"("totalLinesAdded":2,"totalLinesRemoved":1,"totalDuration":1049,"startTime":1795385203497,)"
      R"("modelUsage":{{"claude-opus-5-5":{{"inputTokens":{},"outputTokens":{},"thinkingTokens":0,)"
      R"("cacheReadInputTokens":{},"cacheCreationInputTokens":{},)"
      R"("cacheCreationEphemeral5mInputTokens":{},"cacheCreationEphemeral1hInputTokens":0,)"
      R"("webSearchRequests":0,"costUSD":{}}}}},"hasUnknownModelCost":false}})",
      kSynthSession, cost, input, output, cache_read, cache_write, cache_write, cost);
}

// Totals of records deduplicated by id, each id's copy chosen the way the ledger chooses
// (main chain over sidechain, then the larger total). The ledger's own implementation of that
// rule is tested in tests/store; this keeps the parser tests independent of it.
std::map<std::string, UsageRecord> ledger_view(const std::vector<UsageRecord>& records) {
  std::map<std::string, UsageRecord> out;
  for (const UsageRecord& r : records) {
    auto [it, inserted] = out.emplace(r.id, r);
    if (!inserted) {
      const UsageRecord& cur = it->second;
      if ((!r.sidechain && cur.sidechain) ||
          (r.sidechain == cur.sidechain && r.tokens.total() > cur.tokens.total())) {
        it->second = r;
      }
    }
  }
  return out;
}

TokenCounts sum_tokens(const std::map<std::string, UsageRecord>& records) {
  TokenCounts t;
  for (const auto& [id, r] : records) {
    t += r.tokens;
  }
  return t;
}

const CumulativeSnapshot* last_snapshot(const ParseOutput& out, const std::string& model) {
  const CumulativeSnapshot* last = nullptr;
  for (const CumulativeSnapshot& s : out.snapshots) {
    if (s.model == model && (last == nullptr || s.source_offset > last->source_offset)) {
      last = &s;
    }
  }
  return last;
}

std::string describe(const CumulativeSnapshot& s) {
  return fmt::format("{} {} ts={} off={} in={} cr={} cw={} cw1h={} out={} cost={}", s.session_id,
                     s.model, s.ts, s.source_offset, s.tokens.input, s.tokens.cache_read,
                     s.tokens.cache_write, s.tokens.cache_write_1h, s.tokens.output,
                     s.cost_usd.value_or(-1));
}

std::vector<std::string> describe_snapshots(const std::vector<CumulativeSnapshot>& snaps) {
  std::vector<std::string> out;
  for (const CumulativeSnapshot& s : snaps) {
    out.push_back(describe(s));
  }
  return out;
}

std::vector<std::string> describe_sessions(const std::vector<SessionFacts>& facts) {
  std::vector<std::string> out;
  for (const SessionFacts& f : facts) {
    out.push_back(describe(f) + fmt::format(" title={} added={} removed={}", f.title, f.lines_added,
                                            f.lines_removed));
  }
  return out;
}

// --- Rule 1: one line per content block -----------------------------------------------------

TEST(ClaudeAdapterTest, ContentBlockCopiesShareOneIdAndCountOnce) {
  // s2: a text + tool_use reply written as two lines, then a second response.
  const ParseOutput out = parse_fixture(kS2Bash);
  EXPECT_TRUE(out.problems.empty()) << ::testing::PrintToString(describe(out.problems));
  ASSERT_EQ(out.records.size(), 3u);
  EXPECT_EQ(out.records[0].id, out.records[1].id);
  EXPECT_EQ(out.records[0].id, "claude:msg_01KIr6bpIdil2RtusVC7jCIA:req_017iEpOibrcVEclvlpZmcf8H");
  const auto view = ledger_view(out.records);
  ASSERT_EQ(view.size(), 2u);
  EXPECT_EQ(sum_tokens(view).output, 55);  // ground truth s2 opus: 55 output over 2 requests
}

TEST(ClaudeAdapterTest, SyntheticBlockCopiesGetTheSameId) {
  Assistant text;
  Assistant tool = text;
  tool.block = R"({"type":"tool_use","id":"toolu_01","name":"Bash","input":{"command":"ls"}})";
  tool.timestamp = "2026-11-22T22:06:44.220Z";
  Assistant thinking = text;
  thinking.block = R"({"type":"thinking","thinking":"scrubbed","signature":"abc"})";
  const ParseOutput out = parse_lines({line(thinking), line(text), line(tool)});
  ASSERT_EQ(out.records.size(), 3u);
  EXPECT_EQ(ledger_view(out.records).size(), 1u);
  EXPECT_EQ(sum_tokens(ledger_view(out.records)).output, 30);
}

TEST(ClaudeAdapterTest, StreamingSnapshotsKeepEveryCopySoTheLargestCanWin) {
  // Older versions wrote partial output_tokens on earlier copies.
  Assistant partial;
  partial.output = 1;
  Assistant middle = partial;
  middle.output = 12;
  Assistant final_copy = partial;
  final_copy.output = 57;
  const ParseOutput out = parse_lines({line(partial), line(final_copy), line(middle)});
  ASSERT_EQ(out.records.size(), 3u);
  for (const UsageRecord& r : out.records) {
    EXPECT_EQ(r.id, out.records[0].id);
  }
  const auto view = ledger_view(out.records);
  ASSERT_EQ(view.size(), 1u);
  EXPECT_EQ(view.begin()->second.tokens.output, 57);
}

TEST(ClaudeAdapterTest, SidechainReplayIsMarkedSoTheMainChainCopyWins) {
  Assistant main_copy;
  main_copy.output = 20;
  Assistant replay = main_copy;
  replay.sidechain = true;
  replay.output = 25;  // even a larger sidechain copy loses
  const ParseOutput out = parse_lines({line(replay), line(main_copy)});
  ASSERT_EQ(out.records.size(), 2u);
  EXPECT_EQ(out.records[0].id, out.records[1].id);
  EXPECT_TRUE(out.records[0].sidechain);
  EXPECT_FALSE(out.records[1].sidechain);
  const auto view = ledger_view(out.records);
  ASSERT_EQ(view.size(), 1u);
  EXPECT_FALSE(view.begin()->second.sidechain);
  EXPECT_EQ(view.begin()->second.tokens.output, 20);
}

// --- Rules 3 and 4: calls without assistant lines, cost-state ----------------------------------

TEST(ClaudeAdapterTest, S3AssistantLinesAloneMiss112OutputTokensThatCostStateHas) {
  const ParseOutput out = parse_fixture(kS3);
  EXPECT_TRUE(out.problems.empty()) << ::testing::PrintToString(describe(out.problems));
  const auto view = ledger_view(out.records);
  EXPECT_EQ(view.size(), 7u);
  EXPECT_EQ(sum_tokens(view).output, 214);
  // Five cost-states, one model each; the last one is the session's truth (326 billed).
  ASSERT_EQ(out.snapshots.size(), 5u);
  const CumulativeSnapshot* last = last_snapshot(out, "claude-opus-5-5");
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->session_id, kS3Session);
  EXPECT_EQ(last->tokens.output, 326);
  EXPECT_EQ(last->tokens.input, 47);
  EXPECT_EQ(last->tokens.cache_read, 75163);
  EXPECT_EQ(last->tokens.cache_write, 27267);
  EXPECT_EQ(last->tokens.cache_write_1h, 0);
  ASSERT_TRUE(last->cost_usd.has_value());
  EXPECT_GT(*last->cost_usd, 0);
  // The cumulative counter never goes down, and every snapshot is dated at a line of the file.
  std::int64_t previous = 0;
  for (const CumulativeSnapshot& s : out.snapshots) {
    EXPECT_GE(s.tokens.output, previous);
    previous = s.tokens.output;
    EXPECT_GE(s.ts, ts("2026-11-22T22:06:43.952Z")) << describe(s);
    EXPECT_LE(s.ts, ts("2026-11-22T22:06:47.980Z")) << describe(s);
  }
}

TEST(ClaudeAdapterTest, S3SnapshotAfterCompactIsDatedAfterTheLastResponseBeforeIt) {
  // The /compact call happens between the 3rd and 4th cost-state: the 4th must be dated after
  // the assistant line at 22:06:46.348 (else its unlogged spend lands before it happened).
  const ParseOutput out = parse_fixture(kS3);
  ASSERT_EQ(out.snapshots.size(), 5u);
  EXPECT_EQ(out.snapshots[3].tokens.output, 301);
  EXPECT_GT(out.snapshots[3].ts, ts("2026-11-22T22:06:46.348Z"));
  EXPECT_LT(out.snapshots[3].ts, ts("2026-11-22T22:06:47.972Z"));
}

TEST(ClaudeAdapterTest, S4SubAgentRecordsPlusParentEqualCostState) {
  const ParseOutput parent = parse_fixture(kS4);
  const ParseOutput agent = parse_fixture(kS4Agent);
  EXPECT_TRUE(parent.problems.empty()) << ::testing::PrintToString(describe(parent.problems));
  EXPECT_TRUE(agent.problems.empty()) << ::testing::PrintToString(describe(agent.problems));
  EXPECT_TRUE(agent.snapshots.empty());

  std::vector<UsageRecord> all = parent.records;
  all.insert(all.end(), agent.records.begin(), agent.records.end());
  const auto view = ledger_view(all);
  EXPECT_EQ(view.size(), 5u);
  const CumulativeSnapshot* snap = last_snapshot(parent, "claude-opus-5-5");
  ASSERT_NE(snap, nullptr);
  TokenCounts expected = snap->tokens;
  EXPECT_EQ(sum_tokens(view), expected);  // no double counting, nothing unlogged
  EXPECT_EQ(expected.output, 164);

  // Sub-agent records are their own session, linked to the parent; the reconciliation key
  // (root session) is the parent's id.
  ASSERT_EQ(agent.records.size(), 3u);
  for (const UsageRecord& r : agent.records) {
    EXPECT_EQ(r.session_id, kS4Session + "/agent-aa7b8e1b608180d66");
    EXPECT_EQ(r.parent_session_id, kS4Session);
    EXPECT_TRUE(r.sidechain);
  }
  for (const UsageRecord& r : parent.records) {
    EXPECT_EQ(r.session_id, kS4Session);
    EXPECT_EQ(r.parent_session_id, "");
    EXPECT_FALSE(r.sidechain);
  }
  EXPECT_EQ(snap->session_id, kS4Session);
  ASSERT_EQ(agent.sessions.size(), 1u);
  EXPECT_EQ(agent.sessions[0].session_id, kS4Session + "/agent-aa7b8e1b608180d66");
  EXPECT_EQ(agent.sessions[0].parent_session_id, kS4Session);
  EXPECT_EQ(agent.sessions[0].user_prompts, 0);  // the parent's instruction is not a typed prompt
}

TEST(ClaudeAdapterTest, CostStateWithoutTimestampTakesThePrecedingLinesTime) {
  Assistant a;
  a.timestamp = "2026-11-22T22:06:44.179Z";
  const ParseOutput out =
      parse_lines({line(a), cost_state_line(5, 40, 0, 12298, 0.25),
                   user_line(R"("next prompt")", "", "2026-11-22T23:00:00.000Z")});
  ASSERT_EQ(out.snapshots.size(), 1u);
  EXPECT_EQ(out.snapshots[0].ts, ts("2026-11-22T22:06:44.179Z"));
  EXPECT_EQ(out.snapshots[0].session_id, kSynthSession);
  EXPECT_EQ(out.snapshots[0].tokens.output, 40);
  ASSERT_TRUE(out.snapshots[0].cost_usd.has_value());
  EXPECT_DOUBLE_EQ(*out.snapshots[0].cost_usd, 0.25);
}

TEST(ClaudeAdapterTest, CostStateBeforeAnyTimestampTakesTheFirstTimeAfterIt) {
  Assistant a;
  a.timestamp = "2026-11-22T22:06:44.179Z";
  const ParseOutput out = parse_lines({cost_state_line(0, 0, 0, 0, 0), line(a)});
  ASSERT_EQ(out.snapshots.size(), 1u);
  EXPECT_EQ(out.snapshots[0].ts, ts("2026-11-22T22:06:44.179Z"));
}

TEST(ClaudeAdapterTest, CostStateModelUsageMapsEveryBucket) {
  const std::string l = fmt::format(
      R"({{"type":"cost-state","sessionId":"{}","totalCostUSD":1.5,"modelUsage":{{)"
      R"("claude-opus-5-5":{{"inputTokens":10,"outputTokens":20,"thinkingTokens":7,)"
      R"("cacheReadInputTokens":30,"cacheCreationInputTokens":40,)"
      R"("cacheCreationEphemeral5mInputTokens":25,"cacheCreationEphemeral1hInputTokens":15,)"
      R"("webSearchRequests":2,"costUSD":1.0}},)"
      R"("claude-haiku-4-5":{{"inputTokens":1,"outputTokens":2,"cacheReadInputTokens":3,)"
      R"("cacheCreationInputTokens":4,"webSearchRequests":0,"costUSD":0.5}}}}}})",
      kSynthSession);
  const ParseOutput out = parse_lines({line(Assistant{}), l});
  ASSERT_EQ(out.snapshots.size(), 2u);
  const CumulativeSnapshot* opus = last_snapshot(out, "claude-opus-5-5");
  const CumulativeSnapshot* haiku = last_snapshot(out, "claude-haiku-4-5");
  ASSERT_NE(opus, nullptr);
  ASSERT_NE(haiku, nullptr);
  EXPECT_EQ(opus->tokens, (TokenCounts{10, 30, 40, 15, 20, 7}));
  EXPECT_EQ(opus->web_search_requests, 2);
  EXPECT_EQ(haiku->tokens, (TokenCounts{1, 3, 4, 0, 2, 0}));
  EXPECT_DOUBLE_EQ(haiku->cost_usd.value_or(-1), 0.5);
}

// --- Rule 5: errors ---------------------------------------------------------------------------

TEST(ClaudeAdapterTest, HardApiErrorYieldsNoRecordAndCountsAnError) {
  const ParseOutput out = parse_fixture(kS5Hard);
  EXPECT_TRUE(out.records.empty()) << ::testing::PrintToString(describe(out.records));
  EXPECT_TRUE(out.snapshots.empty());  // its cost-state has an empty modelUsage
  EXPECT_TRUE(out.problems.empty()) << ::testing::PrintToString(describe(out.problems));
  ASSERT_EQ(out.sessions.size(), 1u);
  EXPECT_EQ(out.sessions[0].errors, 1);
  EXPECT_EQ(out.sessions[0].user_prompts, 1);
}

TEST(ClaudeAdapterTest, Retried529YieldsOneRecord) {
  const ParseOutput out = parse_fixture(kS5Retry);
  const auto view = ledger_view(out.records);
  ASSERT_EQ(view.size(), 1u);
  const UsageRecord& r = view.begin()->second;
  EXPECT_EQ(r.tokens, (TokenCounts{6, 0, 12290, 0, 19, 0}));  // ground truth s5
  EXPECT_EQ(r.model, "claude-opus-5-5");
}

TEST(ClaudeAdapterTest, SyntheticErrorLineWithNonZeroUsageIsStillNotARecord) {
  Assistant err;
  err.model = "<synthetic>";
  err.id = "5d4574e5-f1e8-4755-a8a8-a65a39919ac5";
  err.output = 5;
  err.input = 0;
  err.cache_write = 0;
  err.extra = R"("isApiErrorMessage":true,"apiErrorStatus":400,)";
  const ParseOutput out = parse_lines({line(err)});
  EXPECT_TRUE(out.records.empty());
  ASSERT_EQ(out.sessions.size(), 1u);
  EXPECT_EQ(out.sessions[0].errors, 1);
}

TEST(ClaudeAdapterTest, SyntheticLineThatIsNoApiErrorIsNeitherARecordNorAnError) {
  // Claude Code writes <synthetic> assistant lines for "No response requested." and for
  // interrupted turns; no request failed, so the session has no error (rule 5 counts only
  // isApiErrorMessage lines).
  Assistant none;
  none.model = "<synthetic>";
  none.id = "0f3c1d2e-1111-2222-3333-444444444444";
  none.input = 0;
  none.cache_write = 0;
  none.output = 0;
  none.block = R"({"type":"text","text":"No response requested."})";
  const ParseOutput out = parse_lines({line(none)});
  EXPECT_TRUE(out.records.empty());
  ASSERT_EQ(out.sessions.size(), 1u);
  EXPECT_EQ(out.sessions[0].errors, 0);
}

// --- Rule 6: <subagent_tokens> is not spend ---------------------------------------------------

TEST(ClaudeAdapterTest, SubagentTokensInToolResultsAreIgnored) {
  // The s4 parent's task notification carries <subagent_tokens>7651</subagent_tokens>.
  const ParseOutput parent = parse_fixture(kS4);
  for (const UsageRecord& r : parent.records) {
    EXPECT_NE(r.tokens.total(), 7651);
    EXPECT_NE(r.tokens.input, 7651);
  }
  EXPECT_EQ(sum_tokens(ledger_view(parent.records)).output, 97);  // 54 + 21 + 22

  // A tool result whose toolUseResult carries a usage object (as Task results do) is no record.
  const std::string result = fmt::format(
      R"({{"parentUuid":"x","isSidechain":false,"type":"user","message":{{"role":"user","content":[)"
      R"({{"tool_use_id":"toolu_01","type":"tool_result","content":[{{"type":"text","text":)"
      R"("<usage><subagent_tokens>7651</subagent_tokens></usage>"}}]}}]}},)"
      R"("toolUseResult":{{"status":"completed","totalTokens":7651,"usage":{{"input_tokens":7000,)"
      R"("output_tokens":651,"cache_read_input_tokens":0,"cache_creation_input_tokens":0}}}},)"
      R"("timestamp":"2026-11-22T22:06:49.565Z","sessionId":"{}"}})",
      kSynthSession);
  const ParseOutput out = parse_lines({result});
  EXPECT_TRUE(out.records.empty()) << ::testing::PrintToString(describe(out.records));
  EXPECT_TRUE(out.problems.empty());
  ASSERT_EQ(out.sessions.size(), 1u);
  EXPECT_EQ(out.sessions[0].user_prompts, 0);
}

// --- Rule 7: model, speed, effort, project ------------------------------------------------------

TEST(ClaudeAdapterTest, ModelSpeedEffortTierAndCwdLandInTheRecord) {
  Assistant a;
  a.model = "claude-sonnet-4-5";
  a.speed = "fast";
  a.effort = "high";
  a.tier = "priority";
  a.cwd = "/work/app";
  a.input = 3;
  a.cache_read = 100;
  a.cache_write = 50;
  a.cache_write_1h = 20;
  a.output = 9;
  a.thinking = 4;
  a.web_search = 2;
  const ParseOutput out = parse_lines({line(a)});
  ASSERT_EQ(out.records.size(), 1u);
  const UsageRecord& r = out.records[0];
  EXPECT_EQ(r.agent, Agent::claude);
  EXPECT_EQ(r.kind, RecordKind::response);
  EXPECT_EQ(r.model, "claude-sonnet-4-5");
  EXPECT_EQ(r.speed, "fast");
  EXPECT_EQ(r.effort, "high");
  EXPECT_EQ(r.service_tier, "priority");
  EXPECT_EQ(r.project, "/work/app");
  EXPECT_EQ(r.session_id, kSynthSession);
  EXPECT_EQ(r.request_id, "req_01m8dSvpAd497L3jNdU3mS72");
  EXPECT_EQ(r.ts, ts("2026-11-22T22:06:44.179Z"));
  EXPECT_EQ(r.tokens, (TokenCounts{3, 100, 50, 20, 9, 4}));
  EXPECT_EQ(r.web_search_requests, 2);
  EXPECT_FALSE(r.reported_cost_usd.has_value());
  EXPECT_EQ(r.source_file, kSynthPath);
  EXPECT_EQ(r.source_line, 1);
  EXPECT_EQ(r.source_offset, 0);
}

TEST(ClaudeAdapterTest, ProjectFallsBackToTheDirectorySlugWithoutCwd) {
  Assistant a;
  a.cwd = "";
  const ParseOutput out = parse_lines({line(a)});
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].project, "-work-app");
  ASSERT_EQ(out.sessions.size(), 1u);
  EXPECT_EQ(out.sessions[0].project, "-work-app");
}

TEST(ClaudeAdapterTest, RealFixtureRecordsCarryModelEffortSpeedAndCwd) {
  const ParseOutput out = parse_fixture(kS3);
  ASSERT_FALSE(out.records.empty());
  for (const UsageRecord& r : out.records) {
    EXPECT_EQ(r.model, "claude-opus-5-5");
    EXPECT_EQ(r.effort, "medium");
    EXPECT_EQ(r.speed, "standard");
    EXPECT_EQ(r.service_tier, "standard");
    EXPECT_EQ(r.project, "/tmp/realcli/runs/claude/work/s3-multiturn");
    EXPECT_EQ(r.session_id, kS3Session);
    EXPECT_FALSE(r.request_id.empty());
  }
  const ParseOutput haiku = parse_fixture(kS2Haiku);
  ASSERT_EQ(haiku.records.size(), 1u);
  EXPECT_EQ(haiku.records[0].model, "claude-haiku-4-5");
}

// --- Rule 8: session facts ----------------------------------------------------------------------

TEST(ClaudeAdapterTest, S3FactsCountTypedPromptsAndOneCompaction) {
  const ParseOutput out = parse_fixture(kS3);
  ASSERT_EQ(out.sessions.size(), 1u);
  const SessionFacts& f = out.sessions[0];
  EXPECT_EQ(f.agent, Agent::claude);
  EXPECT_EQ(f.session_id, kS3Session);
  EXPECT_EQ(f.parent_session_id, "");
  EXPECT_EQ(f.file_key, kS3Session + ".jsonl");
  EXPECT_EQ(f.project, "/tmp/realcli/runs/claude/work/s3-multiturn");
  // 4 typed prompts: not the compact summary, the /compact command, its caveat (isMeta) or
  // stdout, nor the tool results.
  EXPECT_EQ(f.user_prompts, 4);
  EXPECT_EQ(f.compactions, 1);
  EXPECT_EQ(f.errors, 0);
  EXPECT_EQ(f.lines_added, 2);
  EXPECT_EQ(f.lines_removed, 0);
  EXPECT_GE(f.first_ts, ts("2026-11-22T22:06:43.952Z"));
  EXPECT_LE(f.first_ts, ts("2026-11-22T22:06:44.179Z"));
  // The last line that dates the session is the final assistant reply; the attachment
  // written after it (22:06:47.980) dates nothing (attachments are skipped unparsed).
  EXPECT_EQ(f.last_ts, ts("2026-11-22T22:06:47.972Z"));
}

TEST(ClaudeAdapterTest, PromptClassificationOnSyntheticUserLines) {
  const ParseOutput out = parse_lines({
      user_line(R"("typed prompt one")"),                                        // counted
      user_line(R"([{"type":"text","text":"typed prompt two"}])"),               // counted
      user_line(R"([{"tool_use_id":"t","type":"tool_result","content":"x"}])"),  // tool result
      user_line(R"("<command-name>/model</command-name>")"),                     // command
      user_line(R"("<local-command-stdout>ok</local-command-stdout>")"),         // output
      user_line(R"("This session is being continued from a previous conversation.")",
                R"("isCompactSummary":true,)"),                                     // summary
      user_line(R"("<system-reminder>x</system-reminder>")", R"("isMeta":true,)"),  // meta
  });
  ASSERT_EQ(out.sessions.size(), 1u);
  EXPECT_EQ(out.sessions[0].user_prompts, 2);
  EXPECT_TRUE(out.records.empty());
  EXPECT_TRUE(out.problems.empty()) << ::testing::PrintToString(describe(out.problems));
}

TEST(ClaudeAdapterTest, AiTitleBecomesTheSessionTitle) {
  const std::string title = fmt::format(
      R"({{"type":"ai-title","aiTitle":"Fix the flaky test","sessionId":"{}"}})", kSynthSession);
  const ParseOutput out = parse_lines({line(Assistant{}), title});
  ASSERT_EQ(out.sessions.size(), 1u);
  EXPECT_EQ(out.sessions[0].title, "Fix the flaky test");
}

// --- Rule 9: older shapes -----------------------------------------------------------------------

TEST(ClaudeAdapterTest, WithoutRequestIdCopiesDedupeOnMessageId) {
  Assistant a;
  a.request = "";
  a.id = "msg_old";
  Assistant b = a;
  b.block = R"({"type":"tool_use","id":"toolu_01","name":"Read","input":{}})";
  Assistant other = a;
  other.id = "msg_other";
  const ParseOutput out = parse_lines({line(a), line(b), line(other)});
  EXPECT_TRUE(out.problems.empty()) << ::testing::PrintToString(describe(out.problems));
  ASSERT_EQ(out.records.size(), 3u);
  EXPECT_EQ(out.records[0].id, out.records[1].id);
  EXPECT_NE(out.records[0].id, out.records[2].id);
  EXPECT_EQ(ledger_view(out.records).size(), 2u);
  EXPECT_EQ(out.records[0].request_id, "");
}

TEST(ClaudeAdapterTest, OldFileWithoutCostStateHasNoSnapshots) {
  Assistant a;
  a.request = "";
  const ParseOutput out = parse_lines({user_line(R"("hi")"), line(a)});
  EXPECT_TRUE(out.snapshots.empty());
  EXPECT_EQ(out.records.size(), 1u);
}

TEST(ClaudeAdapterTest, LineLevelCostUsdBecomesReportedCost) {
  Assistant a;
  a.extra = R"("costUSD":0.0123,"durationMs":1500,)";
  const ParseOutput out = parse_lines({line(a)});
  ASSERT_EQ(out.records.size(), 1u);
  ASSERT_TRUE(out.records[0].reported_cost_usd.has_value());
  EXPECT_DOUBLE_EQ(*out.records[0].reported_cost_usd, 0.0123);
}

TEST(ClaudeAdapterTest, MicrosecondAndOffsetTimestampsAreParsedToUtc) {
  Assistant micro;
  micro.id = "msg_micro";
  micro.timestamp = "2025-06-01T10:00:00.123456Z";
  Assistant offset;
  offset.id = "msg_offset";
  offset.timestamp = "2025-06-01T12:00:00.123+02:00";
  Assistant bare;
  bare.id = "msg_bare";
  bare.timestamp = "2025-06-01T10:00:00Z";
  const ParseOutput out = parse_lines({line(micro), line(offset), line(bare)});
  EXPECT_TRUE(out.problems.empty()) << ::testing::PrintToString(describe(out.problems));
  ASSERT_EQ(out.records.size(), 3u);
  // 2025-06-01T10:00:00Z = 1748772000 s.
  EXPECT_EQ(out.records[0].ts, 1748772000123);
  EXPECT_EQ(out.records[1].ts, 1748772000123);
  EXPECT_EQ(out.records[2].ts, 1748772000000);
}

TEST(ClaudeAdapterTest, PrettyPrintedReorderedJsonWithSpacesIsParsed) {
  // "type" after "message", spaces after ':' and ',', keys in another order: no byte patterns.
  const std::string l = fmt::format(
      R"({{ "message": {{ "usage": {{ "output_tokens": 42, "input_tokens": 7, )"
      R"("cache_read_input_tokens": 100, "cache_creation_input_tokens": 0 }}, )"
      R"("model": "claude-3-5-sonnet-20241022", "role": "assistant", "id": "msg_pretty" }}, )"
      R"("sessionId": "{}", "timestamp": "2025-01-02T03:04:05.678Z", "type": "assistant", )"
      R"("requestId": "req_pretty", "cwd": "/old/proj", "costUSD": 0.5 }})",
      kSynthSession);
  // A skipped kind written with spaces is also parsed (and ignored), not mis-skipped.
  const std::string snapshot =
      R"({ "type": "file-history-snapshot", "messageId": "x", "snapshot": { "trackedFileBackups": {} } })";
  const ParseOutput out = parse_lines({snapshot, l});
  EXPECT_TRUE(out.problems.empty()) << ::testing::PrintToString(describe(out.problems));
  ASSERT_EQ(out.records.size(), 1u);
  const UsageRecord& r = out.records[0];
  EXPECT_EQ(r.id, "claude:msg_pretty:req_pretty");
  EXPECT_EQ(r.model, "claude-3-5-sonnet-20241022");
  EXPECT_EQ(r.tokens, (TokenCounts{7, 100, 0, 0, 42, 0}));
  EXPECT_EQ(r.ts, ts("2025-01-02T03:04:05.678Z"));
  EXPECT_EQ(r.project, "/old/proj");
  EXPECT_DOUBLE_EQ(r.reported_cost_usd.value_or(-1), 0.5);
  EXPECT_EQ(r.source_line, 2);
}

TEST(ClaudeAdapterTest, CacheWriteFromTtlSplitWhenTotalIsAbsent) {
  const std::string l = fmt::format(
      R"({{"type":"assistant","message":{{"id":"msg_split","model":"claude-opus-5-5","usage":{{)"
      R"("input_tokens":1,"output_tokens":2,"cache_read_input_tokens":0,)"
      R"("cache_creation":{{"ephemeral_5m_input_tokens":30,"ephemeral_1h_input_tokens":12}}}}}},)"
      R"("requestId":"req_split","timestamp":"2025-01-02T03:04:05.678Z","sessionId":"{}"}})",
      kSynthSession);
  const ParseOutput out = parse_lines({l});
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].tokens.cache_write, 42);
  EXPECT_EQ(out.records[0].tokens.cache_write_1h, 12);
}

TEST(ClaudeAdapterTest, UnknownEntryKindsAreSkippedSilently) {
  const ParseOutput out = parse_lines({
      fmt::format(R"({{"type":"hologram","sessionId":"{}","timestamp":"2026-01-01T00:00:00Z"}})",
                  kSynthSession),
      R"({"type":"queue-operation","operation":"enqueue","timestamp":"2026-01-01T00:00:00Z"})",
      R"({"kind":"no-type-at-all"})",
      line(Assistant{}),
  });
  EXPECT_TRUE(out.problems.empty()) << ::testing::PrintToString(describe(out.problems));
  EXPECT_EQ(out.records.size(), 1u);
}

TEST(ClaudeAdapterTest, MalformedLinesAreReportedWithLineNumbersAndTheRunGoesOn) {
  Assistant first;
  first.id = "msg_first";
  Assistant last;
  last.id = "msg_last";
  const std::string good = line(first);
  const std::string truncated = line(last).substr(0, line(last).size() / 2);
  std::string text = good + "\n" + "\n" + truncated + "\n" + "{not json at all\n" + "[1,2,3]\n" +
                     line(last) + "\n";
  const ParseOutput out = test::parse_text(*make_claude_adapter(), claude_file(kSynthPath), text);
  ASSERT_EQ(out.records.size(), 2u) << ::testing::PrintToString(describe(out.records));
  EXPECT_EQ(out.records[0].source_line, 1);
  EXPECT_EQ(out.records[1].source_line, 6);
  ASSERT_EQ(out.problems.size(), 3u) << ::testing::PrintToString(describe(out.problems));
  EXPECT_EQ(out.problems[0].line, 3);  // line 2 is blank
  EXPECT_EQ(out.problems[0].offset, static_cast<std::int64_t>(good.size() + 2));
  EXPECT_EQ(out.problems[0].file, kSynthPath);
  EXPECT_EQ(out.problems[1].line, 4);
  EXPECT_EQ(out.problems[2].line, 5);
}

TEST(ClaudeAdapterTest, UnreadableTimestampIsReportedButTheRecordIsKept) {
  Assistant a;
  a.timestamp = "2026-11-22T22:06:44.179Z";
  Assistant b;
  b.id = "msg_b";
  b.timestamp = "yesterday at noon";
  const ParseOutput out = parse_lines({line(a), line(b)});
  ASSERT_EQ(out.records.size(), 2u);
  EXPECT_EQ(out.records[1].ts, ts("2026-11-22T22:06:44.179Z"));  // the last known time
  ASSERT_EQ(out.problems.size(), 1u);
  EXPECT_EQ(out.problems[0].line, 2);
}

// --- Prefilter and resumption -------------------------------------------------------------------

TEST(ClaudeAdapterTest, PrefilterNeverDropsARecordOrSnapshot) {
  for (const std::string& rel : kAllFixtures) {
    const SourceFile file = fixture(rel);
    const std::string text = test::read_file(file.path);
    ASSERT_FALSE(text.empty()) << rel;
    const ParseOutput filtered = test::parse_text(*make_claude_adapter(), file, text);
    test::PaddedText padded(text);
    ParseOutput all;
    WantsEverything everything(make_claude_adapter()->open(file));
    test::feed(everything, test::split_lines(padded.view()), all);
    EXPECT_EQ(describe(filtered.records), describe(all.records)) << rel;
    EXPECT_EQ(describe_snapshots(filtered.snapshots), describe_snapshots(all.snapshots)) << rel;
    EXPECT_GT(filtered.skipped_lines, 0) << rel;
  }
}

TEST(ClaudeAdapterTest, PrefilterSkipsOnlyCompactLinesOfKindsWithoutUsage) {
  const std::unique_ptr<FileParser> p = make_claude_adapter()->open(fixture(kAllFixtures[0]));
  // Attachment entries: the top-level "attachment" member follows a few scalar members.
  EXPECT_FALSE(p->wants(
      R"({"parentUuid":"a","isSidechain":false,"attachment":{"type":"skill_listing"},"type":"attachment"})"));
  EXPECT_FALSE(p->wants(R"({"type":"attachment","attachment":{"type":"skill_listing"}})"));
  EXPECT_FALSE(p->wants(R"({"type":"queue-operation","operation":"enqueue"})"));
  EXPECT_FALSE(p->wants(R"({"type":"file-history-snapshot","messageId":"m","snapshot":{}})"));
  // Kinds that may carry usage or facts, and lines the prefilter cannot read, are parsed.
  EXPECT_TRUE(p->wants(R"({"type":"assistant","message":{"usage":{}}})"));
  EXPECT_TRUE(p->wants(R"({"type":"cost-state","sessionId":"s"})"));
  EXPECT_TRUE(p->wants(R"({"type":"queue-operations-v2","x":1})"));        // a kind not listed
  EXPECT_TRUE(p->wants(R"({ "type": "queue-operation" })"));               // pretty printed
  EXPECT_TRUE(p->wants(R"({"sessionId":"s","type":"queue-operation"})"));  // kind not first
  // A kind that may carry usage, named before an "attachment" member.
  EXPECT_TRUE(p->wants(R"({"type":"assistant","attachment":{},"message":{"usage":{}}})"));
  // An "attachment" key that is not a top-level member, or only quoted inside a string.
  EXPECT_TRUE(p->wants(R"({"parentUuid":"a","message":{"attachment":{}},"type":"user"})"));
  EXPECT_TRUE(
      p->wants(R"({"parentUuid":"a","note":"\"attachment\":{","type":"user","message":{}})"));
}

// Runs the parser over `text` in runs split at `splits` (line indices), each a fresh parser
// restored from the previous one's state. Records, snapshots and problems accumulate; facts
// are the last run's (a run's facts replace the previous ones).
ParseOutput parse_in_runs(const SourceFile& file, std::string_view text,
                          std::vector<size_t> splits) {
  test::PaddedText padded(text);
  const std::vector<Line> lines = test::split_lines(padded.view());
  splits.push_back(lines.size());
  ParseOutput all;
  std::string state;
  size_t from = 0;
  for (size_t to : splits) {
    to = std::min(to, lines.size());
    std::unique_ptr<FileParser> p = make_claude_adapter()->open(file);
    if (!state.empty()) {
      EXPECT_TRUE(p->restore_state(state));
    }
    ParseOutput run;
    test::feed(*p,
               std::vector<Line>(lines.begin() + static_cast<std::ptrdiff_t>(from),
                                 lines.begin() + static_cast<std::ptrdiff_t>(to)),
               run);
    state = p->save_state();
    all.records.insert(all.records.end(), run.records.begin(), run.records.end());
    all.snapshots.insert(all.snapshots.end(), run.snapshots.begin(), run.snapshots.end());
    all.problems.insert(all.problems.end(), run.problems.begin(), run.problems.end());
    all.sessions = std::move(run.sessions);
    from = to;
  }
  return all;
}

TEST(ClaudeAdapterTest, ResumingAtEveryLineGivesTheSameRecordsSnapshotsAndFacts) {
  for (const std::string& rel : kAllFixtures) {
    const SourceFile file = fixture(rel);
    const std::string text = test::read_file(file.path);
    const ParseOutput once = test::parse_text(*make_claude_adapter(), file, text);
    const size_t n = test::split_lines(text).size();
    for (size_t split = 0; split <= n; ++split) {
      const ParseOutput twice = parse_in_runs(file, text, {split});
      ASSERT_EQ(describe(twice.records), describe(once.records)) << rel << " split " << split;
      ASSERT_EQ(describe_snapshots(twice.snapshots), describe_snapshots(once.snapshots))
          << rel << " split " << split;
      ASSERT_EQ(describe_sessions(twice.sessions), describe_sessions(once.sessions))
          << rel << " split " << split;
    }
  }
}

TEST(ClaudeAdapterTest, ResumingThroughTheHelperMatchesOneRun) {
  // The shared helper (test_support.h) on the densest fixture, split in three places.
  const SourceFile file = fixture(kS3);
  const std::string text = test::read_file(file.path);
  const ParseOutput once = test::parse_text(*make_claude_adapter(), file, text);
  for (size_t split : {20u, 34u, 61u}) {
    const ParseOutput twice = test::parse_in_two_runs(*make_claude_adapter(), file, text, split);
    EXPECT_TRUE(twice.problems.empty()) << ::testing::PrintToString(describe(twice.problems));
    EXPECT_EQ(describe(twice.records), describe(once.records));
    ASSERT_EQ(twice.sessions.size(), 1u);
    EXPECT_EQ(describe(twice.sessions[0]), describe(once.sessions[0]));
  }
}

TEST(ClaudeAdapterTest, ResumingInManyRunsKeepsFactsExact) {
  const SourceFile file = fixture(kS3);
  const std::string text = test::read_file(file.path);
  const ParseOutput once = test::parse_text(*make_claude_adapter(), file, text);
  std::vector<size_t> every_line;
  for (size_t i = 1; i < 93; ++i) {
    every_line.push_back(i);
  }
  const ParseOutput many = parse_in_runs(file, text, every_line);
  EXPECT_EQ(describe(many.records), describe(once.records));
  EXPECT_EQ(describe_snapshots(many.snapshots), describe_snapshots(once.snapshots));
  EXPECT_EQ(describe_sessions(many.sessions), describe_sessions(once.sessions));
}

TEST(ClaudeAdapterTest, GarbageStateIsRefused) {
  std::unique_ptr<FileParser> p = make_claude_adapter()->open(claude_file(kSynthPath));
  EXPECT_FALSE(p->restore_state("v=99\n"));
}

// --- Discovery ----------------------------------------------------------------------------------

TEST(ClaudeAdapterTest, DiscoversSessionAndSubAgentFilesButNotMeta) {
  DiscoveryEnv env;
  env.home = test::real_home();
  std::vector<SourceFile> files;
  make_claude_adapter()->discover(env, files);
  EXPECT_EQ(files.size(), 8u);
  for (const SourceFile& f : files) {
    EXPECT_EQ(f.agent, Agent::claude);
    EXPECT_TRUE(f.path.ends_with(".jsonl")) << f.path;
    EXPECT_FALSE(f.whole_document);
  }
}

TEST(ClaudeAdapterTest, ClaudeConfigDirListReplacesHome) {
  DiscoveryEnv env;
  env.home = "/nonexistent-home";
  env.claude_config_dir = "/a/, /b";
  const std::vector<std::string> roots = make_claude_adapter()->roots(env);
  EXPECT_EQ(roots, (std::vector<std::string>{"/a/projects", "/b/projects"}));
  env.claude_config_dir = "";
  EXPECT_EQ(make_claude_adapter()->roots(env),
            (std::vector<std::string>{"/nonexistent-home/.claude/projects",
                                      "/nonexistent-home/.config/claude/projects"}));
}

}  // namespace
}  // namespace tally::sources
