#include "sources/codex.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/time.h"
#include "sources/fs_walk.h"
#include "test_support.h"

namespace tally::sources {
namespace {

namespace fs = std::filesystem;
using test::describe;
using test::ModelTotals;
using test::WantsEverything;

const std::string kRollouts = "/.codex/sessions/2026/11/22/";
// The fixture rollouts by scenario (thread ids).
const std::string kC1Hi = "rollout-2026-11-22T22-08-58-01a2054e-2a31-7f71-ae3f-7b121b08c4a5.jsonl";
const std::string kC1Other =
    "rollout-2026-11-22T22-08-59-01a2054e-2cfe-7c00-899e-a7b319a0eccf.jsonl";
const std::string kC2Shell =
    "rollout-2026-11-22T22-09-00-01a2054e-30e4-7a81-a065-b7fd48ab6cfd.jsonl";
const std::string kC3Multi =
    "rollout-2026-11-22T22-09-01-01a2054e-3591-7013-8cab-359a27a53c77.jsonl";
const std::string kC6Parent =
    "rollout-2026-11-22T22-09-06-01a2054e-4b70-7b32-8469-63fa5300ffc9.jsonl";
const std::string kC6Child =
    "rollout-2026-11-22T22-09-07-01a2054e-4c98-7e50-b59c-890d4b215a64.jsonl";

SourceFile codex_file(const std::string& path) {
  return SourceFile{Agent::codex, path, base_name(path), false, std::nullopt};
}

SourceFile fixture(const std::string& name) {
  return codex_file(test::real_home() + kRollouts + name);
}

ParseOutput parse_fixture(const std::string& name) {
  return test::parse_file(*make_codex_adapter(), fixture(name));
}

TimeMs ts(std::string_view text) { return parse_iso8601(text).value_or(-1); }

// Real-shaped lines (the 0.169 layout, trimmed of the fields the adapter never reads).
std::string meta_line(std::string_view at, std::string_view id, std::string_view cwd) {
  return fmt::format(
      R"({{"timestamp":"{}","ordinal":0,"type":"session_meta","payload":{{"session_id":"{}","id":"{}",)"
      R"("timestamp":"{}","cwd":"{}","originator":"codex_cli_rs","cli_version":"0.45.0","source":"cli"}}}})",
      at, id, id, at, cwd);
}

std::string turn_context_line(std::string_view at, std::string_view turn_id, std::string_view model,
                              std::string_view effort) {
  return fmt::format(
      R"({{"timestamp":"{}","type":"turn_context","payload":{{"turn_id":"{}","cwd":"/work/proj",)"
      R"("approval_policy":"on-request","model":"{}","effort":"{}","summary":"auto"}}}})",
      at, turn_id, model, effort);
}

std::string usage_json(std::int64_t in, std::int64_t cached, std::int64_t out,
                       std::int64_t reasoning) {
  return fmt::format(
      R"({{"input_tokens":{},"cached_input_tokens":{},"output_tokens":{},"reasoning_output_tokens":{},)"
      R"("total_tokens":{}}})",
      in, cached, out, reasoning, in + out);
}

// An older token_count event; `total`/`last` are usage objects or "" (absent).
std::string token_count_line(std::string_view at, const std::string& total,
                             const std::string& last) {
  std::string info;
  if (!total.empty()) {
    info += fmt::format(R"("total_token_usage":{},)", total);
  }
  if (!last.empty()) {
    info += fmt::format(R"("last_token_usage":{},)", last);
  }
  return fmt::format(
      R"({{"timestamp":"{}","type":"event_msg","payload":{{"type":"token_count","info":{{{})"
      R"("model_context_window":272000}},"rate_limits":{{"primary":{{"used_percent":1.0,)"
      R"("window_minutes":300}}}}}}}})",
      at, info);
}

std::string null_token_count_line(std::string_view at) {
  return fmt::format(
      R"({{"timestamp":"{}","type":"event_msg","payload":{{"type":"token_count","info":null,)"
      R"("rate_limits":null}}}})",
      at);
}

std::string usage_record_line(std::string_view at, std::string_view thread, std::string_view turn,
                              std::string_view response, const std::string& usage) {
  return fmt::format(
      R"({{"timestamp":"{}","ordinal":11,"type":"token_usage_record","payload":{{"thread_id":"{}",)"
      R"("turn_id":"{}","session_id":"{}","root_turn_id":"{}","response_id":"{}","usage":{},)"
      R"("turn_token_usage":{},"thread_token_usage":{}}}}})",
      at, thread, turn, thread, turn, response, usage, usage, usage);
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& l : lines) {
    text += l;
    text += '\n';
  }
  return text;
}

const std::string kOldThread = "0199a213-81c0-7800-8aa1-bbab2a035a53";
const std::string kOldPath =
    "/x/.codex/sessions/2025/10/01/rollout-2025-10-01T10-00-00-" + kOldThread + ".jsonl";

// §3 rule 2, older rollouts: only token_count events, with a null info, a stale repeat, a drop
// to a new series, a field that shrinks while the total grows, and last-only events.
std::string old_rollout() {
  return join_lines({
      meta_line("2025-10-01T10:00:00.000Z", kOldThread, "/work/proj"),
      turn_context_line("2025-10-01T10:00:00.100Z", "", "gpt-5-codex", "high"),
      null_token_count_line("2025-10-01T10:00:01.000Z"),
      token_count_line("2025-10-01T10:00:02.000Z", usage_json(1000, 200, 50, 10),
                       usage_json(1000, 200, 50, 10)),
      token_count_line("2025-10-01T10:00:03.000Z", usage_json(1000, 200, 50, 10),
                       usage_json(1000, 200, 50, 10)),
      token_count_line("2025-10-01T10:00:04.000Z", usage_json(2500, 1200, 80, 10),
                       usage_json(1500, 1000, 30, 0)),
      token_count_line("2025-10-01T10:00:05.000Z", usage_json(300, 0, 20, 0),
                       usage_json(300, 0, 20, 0)),
      token_count_line("2025-10-01T10:00:06.000Z", usage_json(900, 100, 15, 0),
                       usage_json(600, 100, 15, 0)),
      token_count_line("2025-10-01T10:00:07.000Z", "", usage_json(100, 0, 5, 0)),
      token_count_line("2025-10-01T10:00:08.000Z", "", usage_json(100, 0, 5, 0)),
  });
}

TEST(CodexAdapterTest, FixturesMatchGroundTruthPerModel) {
  std::unique_ptr<Adapter> adapter = make_codex_adapter();
  DiscoveryEnv env;
  env.home = test::real_home();
  std::vector<SourceFile> files;
  adapter->discover(env, files);
  ASSERT_EQ(files.size(), 6U);
  std::vector<UsageRecord> records;
  for (const SourceFile& f : files) {
    ParseOutput out = test::parse_file(*adapter, f);
    EXPECT_TRUE(out.problems.empty()) << f.path << ": " << out.problems.front().what;
    records.insert(records.end(), out.records.begin(), out.records.end());
  }
  // One record per billed response: no id repeats before the ledger's upsert.
  EXPECT_EQ(test::by_id(records).size(), records.size());

  const std::map<std::string, ModelTotals> expected = test::ground_truth("codex");
  ASSERT_EQ(expected.size(), 2U);
  EXPECT_EQ(test::totals_by_model(records), expected);
  // The numbers the brief states, so a changed ground truth file cannot pass silently.
  const ModelTotals gpt55 = test::totals_by_model(records)["gpt-5.5"];
  EXPECT_EQ(gpt55.tokens.input, 9232 + 9446 + 10157 + 13187);
  EXPECT_EQ(gpt55.tokens.cache_read, 0 + 9216 + 47552 + 40384);
  EXPECT_EQ(gpt55.tokens.output, 34 + 108 + 412 + 230);
  EXPECT_EQ(gpt55.tokens.reasoning, 80);
  EXPECT_EQ(gpt55.requests, 14);
  const ModelTotals sol = test::totals_by_model(records)["gpt-6-sol"];
  EXPECT_EQ(sol.tokens.input, 12855);
  EXPECT_EQ(sol.tokens.output, 35);
  EXPECT_EQ(sol.requests, 1);
}

TEST(CodexAdapterTest, RecordCarriesResponseIdModelProjectAndTime) {
  ParseOutput out = parse_fixture(kC1Hi);
  ASSERT_EQ(out.records.size(), 1U);
  const UsageRecord& r = out.records[0];
  EXPECT_EQ(r.id, "codex:resp_7cc591739bfedc5b905ffee93d53b423230b2456");
  EXPECT_EQ(r.request_id, "resp_7cc591739bfedc5b905ffee93d53b423230b2456");
  EXPECT_EQ(r.agent, Agent::codex);
  EXPECT_EQ(r.model, "gpt-5.5");
  EXPECT_EQ(r.session_id, "01a2054e-2a31-7f71-ae3f-7b121b08c4a5");
  EXPECT_EQ(r.parent_session_id, "");
  EXPECT_EQ(r.project, "/tmp/realcli/runs/codex/work/c1-hi");
  EXPECT_EQ(r.ts, ts("2026-11-22T22:08:58.709Z"));
  EXPECT_EQ(r.source_line, 12);
  EXPECT_EQ(r.tokens, (TokenCounts{9232, 0, 0, 0, 34, 0}));
  EXPECT_EQ(r.speed, "");
}

TEST(CodexAdapterTest, ReasoningStaysInsideOutputAndCachedLeavesInput) {
  ParseOutput out = parse_fixture(kC3Multi);
  ASSERT_EQ(out.records.size(), 6U);
  // resp_4a27...: input 9669 of which 9536 cached; output 134 of which 64 reasoning.
  const UsageRecord& r = out.records[3];
  EXPECT_EQ(r.id, "codex:resp_4a27390962d4e0988b15539b07ff49626804612b");
  EXPECT_EQ(r.tokens, (TokenCounts{133, 9536, 0, 0, 134, 64}));
  EXPECT_EQ(r.tokens.total(), 9669 + 134);
}

TEST(CodexAdapterTest, SubAgentRolloutCountsItsOwnResponsesAndLinksToParent) {
  ParseOutput parent = parse_fixture(kC6Parent);
  ParseOutput child = parse_fixture(kC6Child);
  ASSERT_EQ(parent.records.size(), 3U);
  ASSERT_EQ(child.records.size(), 2U);
  for (const UsageRecord& r : child.records) {
    EXPECT_EQ(r.session_id, "01a2054e-4c98-7e50-b59c-890d4b215a64");
    EXPECT_EQ(r.parent_session_id, "01a2054e-4b70-7b32-8469-63fa5300ffc9");
    EXPECT_EQ(r.model, "gpt-5.5");
    EXPECT_EQ(r.effort, "medium");
  }
  ASSERT_EQ(child.sessions.size(), 1U);
  EXPECT_EQ(child.sessions[0].parent_session_id, "01a2054e-4b70-7b32-8469-63fa5300ffc9");
  // The delegated task arrives as an agent message, not a typed prompt.
  EXPECT_EQ(child.sessions[0].user_prompts, 0);
  TokenCounts sum;
  for (const auto* out : {&parent, &child}) {
    for (const UsageRecord& r : out->records) {
      sum += r.tokens;
    }
  }
  EXPECT_EQ(sum.input, 13187);
  EXPECT_EQ(sum.cache_read, 40384);
  EXPECT_EQ(sum.output, 230);
}

TEST(CodexAdapterTest, ForkReplayingParentLinesYieldsTheParentsRecords) {
  // A forked rollout starts with its parent's history: the replayed token_usage_record must
  // be the parent's record, field for field, and only the fork's own response is new.
  const std::string parent = "0199a213-81c0-7800-8aa1-00000000000a";
  const std::string fork = "0199a213-81c0-7800-8aa1-00000000000b";
  const std::string replayed_turn =
      turn_context_line("2026-01-01T00:00:01.000Z", "turn-p", "gpt-5.5", "high");
  const std::string replayed = usage_record_line("2026-01-01T00:00:02.000Z", parent, "turn-p",
                                                 "resp_parent", usage_json(1000, 800, 20, 4));
  const std::string parent_text = join_lines(
      {meta_line("2026-01-01T00:00:00.000Z", parent, "/work/proj"), replayed_turn, replayed});
  const std::string fork_meta = fmt::format(
      R"({{"timestamp":"2026-01-01T00:05:00.000Z","type":"session_meta","payload":{{"session_id":"{}",)"
      R"("id":"{}","parent_thread_id":"{}","cwd":"/work/proj"}}}})",
      parent, fork, parent);
  const std::string fork_own = fmt::format(
      R"({{"timestamp":"2026-01-01T00:05:02.000Z","type":"token_usage_record","payload":{{"thread_id":"{}",)"
      R"("turn_id":"turn-f","session_id":"{}","response_id":"resp_fork","usage":{}}}}})",
      fork, parent, usage_json(1200, 1000, 30, 0));
  const std::string fork_text = join_lines(
      {fork_meta, replayed_turn, replayed,
       turn_context_line("2026-01-01T00:05:01.000Z", "turn-f", "gpt-5.5", "low"), fork_own});
  std::unique_ptr<Adapter> adapter = make_codex_adapter();
  ParseOutput from_parent = test::parse_text(*adapter, codex_file("/x/parent.jsonl"), parent_text);
  ParseOutput from_fork = test::parse_text(*adapter, codex_file("/x/fork.jsonl"), fork_text);
  ASSERT_EQ(from_parent.records.size(), 1U);
  ASSERT_EQ(from_fork.records.size(), 2U);
  UsageRecord a = from_parent.records[0];
  UsageRecord b = from_fork.records[0];
  b.source_line = a.source_line;
  b.source_offset = a.source_offset;
  EXPECT_EQ(describe(a), describe(b));
  EXPECT_EQ(b.session_id, parent);
  EXPECT_EQ(b.parent_session_id, "");
  EXPECT_EQ(from_fork.records[1].session_id, fork);
  EXPECT_EQ(from_fork.records[1].parent_session_id, parent);
  EXPECT_EQ(from_fork.records[1].effort, "low");
}

TEST(CodexAdapterTest, NestedSubAgentLinksToTheRootThread) {
  const std::string root = "0199a213-81c0-7800-8aa1-000000000001";
  const std::string mid = "0199a213-81c0-7800-8aa1-000000000002";
  const std::string leaf = "0199a213-81c0-7800-8aa1-000000000003";
  const std::string nested = fmt::format(
      R"({{"timestamp":"2026-01-01T00:00:00.000Z","type":"session_meta","payload":{{"session_id":"{}",)"
      R"("id":"{}","parent_thread_id":"{}","cwd":"/p","source":{{"subagent":{{"thread_spawn":)"
      R"({{"parent_thread_id":"{}","depth":2}}}}}}}}}})",
      root, leaf, mid, mid);
  ParseOutput out =
      test::parse_text(*make_codex_adapter(), codex_file("/x/r.jsonl"), nested + "\n");
  ASSERT_EQ(out.sessions.size(), 1U);
  EXPECT_EQ(out.sessions[0].session_id, leaf);
  EXPECT_EQ(out.sessions[0].parent_session_id, root);

  // A rollout naming only its direct parent links to that.
  const std::string direct_only = fmt::format(
      R"({{"timestamp":"2026-01-01T00:00:00.000Z","type":"session_meta","payload":{{"id":"{}",)"
      R"("parent_thread_id":"{}","cwd":"/p"}}}})",
      leaf, mid);
  out = test::parse_text(*make_codex_adapter(), codex_file("/x/r.jsonl"), direct_only + "\n");
  ASSERT_EQ(out.sessions.size(), 1U);
  EXPECT_EQ(out.sessions[0].parent_session_id, mid);
}

TEST(CodexAdapterTest, SessionFactsOfMultiTurnRollout) {
  ParseOutput out = parse_fixture(kC3Multi);
  ASSERT_EQ(out.sessions.size(), 1U);
  const SessionFacts& f = out.sessions[0];
  EXPECT_EQ(f.agent, Agent::codex);
  EXPECT_EQ(f.session_id, "01a2054e-3591-7013-8cab-359a27a53c77");
  EXPECT_EQ(f.file_key, kC3Multi);
  EXPECT_EQ(f.project, "/tmp/realcli/runs/codex/work/c3-multiturn");
  EXPECT_EQ(f.user_prompts, 3);
  EXPECT_EQ(f.errors, 0);
  EXPECT_EQ(f.compactions, 0);
  EXPECT_EQ(f.first_ts, ts("2026-11-22T22:09:01.455Z"));
  EXPECT_EQ(f.last_ts, ts("2026-11-22T22:09:03.448Z"));
}

TEST(CodexAdapterTest, CompactionsErrorsAndOlderUserMessageEvents) {
  const std::string thread = "0199a213-81c0-7800-8aa1-bbab2a035a54";
  const std::string text = join_lines({
      meta_line("2025-10-01T10:00:00.000Z", thread, "/work/proj"),
      R"({"timestamp":"2025-10-01T10:00:01.000Z","type":"event_msg","payload":{"type":"user_message","message":"fix the build","images":[]}})",
      R"({"timestamp":"2025-10-01T10:00:02.000Z","type":"event_msg","payload":{"type":"error","message":"stream disconnected before completion"}})",
      R"({"timestamp":"2025-10-01T10:00:03.000Z","type":"compacted","payload":{"message":"summary","replacement_history":[]}})",
      R"({"timestamp":"2025-10-01T10:00:04.000Z","type":"event_msg","payload":{"type":"user_message","message":"and the tests","images":[]}})",
  });
  ParseOutput out = test::parse_text(*make_codex_adapter(), codex_file("/x/rollout.jsonl"), text);
  ASSERT_EQ(out.sessions.size(), 1U);
  EXPECT_EQ(out.sessions[0].session_id, thread);
  EXPECT_EQ(out.sessions[0].user_prompts, 2);
  EXPECT_EQ(out.sessions[0].errors, 1);
  EXPECT_EQ(out.sessions[0].compactions, 1);
  EXPECT_EQ(out.sessions[0].last_ts, ts("2025-10-01T10:00:04.000Z"));
  EXPECT_TRUE(out.records.empty());
}

TEST(CodexAdapterTest, OlderRolloutCountsDifferencesOfCumulativeTotals) {
  ParseOutput out = test::parse_text(*make_codex_adapter(), codex_file(kOldPath), old_rollout());
  EXPECT_TRUE(out.problems.empty());
  ASSERT_EQ(out.records.size(), 5U);
  const std::vector<std::string> ids = {
      "codex:" + kOldThread + ":tc:0:1050",  // first total counts whole
      "codex:" + kOldThread + ":tc:0:2580",  // difference to the previous total
      "codex:" + kOldThread + ":tc:1:320",   // the total dropped: a new series, counted whole
      "codex:" + kOldThread + ":tc:1:915",   // output shrank: clamped, never negative
      "codex:" + kOldThread + ":tc:line:9",  // no total: last_token_usage
  };
  const std::vector<TokenCounts> tokens = {
      {800, 200, 0, 0, 50, 10}, {500, 1000, 0, 0, 30, 0}, {300, 0, 0, 0, 20, 0},
      {500, 100, 0, 0, 0, 0},   {100, 0, 0, 0, 5, 0},
  };
  for (size_t i = 0; i < out.records.size(); ++i) {
    EXPECT_EQ(out.records[i].id, ids[i]);
    EXPECT_EQ(out.records[i].tokens, tokens[i]) << ids[i];
    EXPECT_EQ(out.records[i].model, "gpt-5-codex");
    EXPECT_EQ(out.records[i].effort, "high");
    EXPECT_EQ(out.records[i].request_id, "");
  }
  // The null info (line 3), the repeated total (line 5) and the repeated last-only usage
  // (line 10) produced nothing.
  EXPECT_EQ(out.records[0].source_line, 4);
  EXPECT_EQ(out.records[1].source_line, 6);
  EXPECT_EQ(out.records[4].source_line, 9);
}

TEST(CodexAdapterTest, TokenCountsAfterTheFirstUsageRecordAreRedundant) {
  // An old rollout resumed by a 0.169 CLI: the old part counts from token_count, the new part
  // from token_usage_record, and the new part's token_count events add nothing.
  std::string text = old_rollout();
  text += join_lines({
      turn_context_line("2025-10-02T09:00:00.000Z", "turn-2", "gpt-5.5", "low"),
      usage_record_line("2025-10-02T09:00:01.000Z", kOldThread, "turn-2", "resp_new1",
                        usage_json(5000, 4000, 60, 0)),
      token_count_line("2025-10-02T09:00:01.100Z", usage_json(5900, 4100, 75, 0),
                       usage_json(5000, 4000, 60, 0)),
  });
  ParseOutput out = test::parse_text(*make_codex_adapter(), codex_file(kOldPath), text);
  ASSERT_EQ(out.records.size(), 6U);
  EXPECT_EQ(out.records[5].id, "codex:resp_new1");
  EXPECT_EQ(out.records[5].model, "gpt-5.5");
  EXPECT_EQ(out.records[5].effort, "low");
  EXPECT_EQ(out.records[5].tokens, (TokenCounts{1000, 4000, 0, 0, 60, 0}));
}

TEST(CodexAdapterTest, ModelJoinsOnTurnIdNotJustTheLatestTurn) {
  const std::string thread = "0199a213-81c0-7800-8aa1-bbab2a035a55";
  const std::string text = join_lines({
      meta_line("2026-01-01T00:00:00.000Z", thread, "/work/proj"),
      turn_context_line("2026-01-01T00:00:01.000Z", "turn-a", "gpt-5.5", "medium"),
      turn_context_line("2026-01-01T00:00:02.000Z", "turn-b", "gpt-6-sol", "high"),
      usage_record_line("2026-01-01T00:00:03.000Z", thread, "turn-a", "resp_a",
                        usage_json(10, 0, 1, 0)),
      usage_record_line("2026-01-01T00:00:04.000Z", thread, "turn-b", "resp_b",
                        usage_json(20, 0, 2, 0)),
      usage_record_line("2026-01-01T00:00:05.000Z", thread, "turn-unknown", "resp_c",
                        usage_json(30, 0, 3, 0)),
  });
  ParseOutput out = test::parse_text(*make_codex_adapter(), codex_file("/x/r.jsonl"), text);
  ASSERT_EQ(out.records.size(), 3U);
  EXPECT_EQ(out.records[0].model, "gpt-5.5");
  EXPECT_EQ(out.records[0].effort, "medium");
  EXPECT_EQ(out.records[1].model, "gpt-6-sol");
  EXPECT_EQ(out.records[2].model, "gpt-6-sol");  // unknown turn: the latest context
}

TEST(CodexAdapterTest, ServiceTierComesFromTurnContext) {
  const std::string thread = "0199a213-81c0-7800-8aa1-bbab2a035a56";
  const std::string text = join_lines({
      meta_line("2026-01-01T00:00:00.000Z", thread, "/work/proj"),
      R"({"timestamp":"2026-01-01T00:00:01.000Z","type":"turn_context","payload":{"turn_id":"t1","cwd":"/work/proj","model":"gpt-5.5","effort":"high","service_tier":"priority"}})",
      usage_record_line("2026-01-01T00:00:02.000Z", thread, "t1", "resp_fast",
                        usage_json(10, 0, 1, 0)),
  });
  ParseOutput out = test::parse_text(*make_codex_adapter(), codex_file("/x/r.jsonl"), text);
  ASSERT_EQ(out.records.size(), 1U);
  EXPECT_EQ(out.records[0].service_tier, "priority");
  EXPECT_EQ(out.records[0].speed, "");
}

TEST(CodexAdapterTest, NestedCollaborationSettingsFillMissingModelAndEffort) {
  const std::string thread = "0199a213-81c0-7800-8aa1-bbab2a035a59";
  const std::string text = join_lines({
      meta_line("2026-01-01T00:00:00.000Z", thread, "/work/proj"),
      R"({"timestamp":"2026-01-01T00:00:01.000Z","type":"turn_context","payload":{"turn_id":"t1","cwd":"/work/proj","collaboration_mode":{"mode":"default","settings":{"model":"gpt-5.5","reasoning_effort":"xhigh","developer_instructions":null}}}})",
      usage_record_line("2026-01-01T00:00:02.000Z", thread, "t1", "resp_nested",
                        usage_json(10, 0, 1, 0)),
  });
  ParseOutput out = test::parse_text(*make_codex_adapter(), codex_file("/x/r.jsonl"), text);
  ASSERT_EQ(out.records.size(), 1U);
  EXPECT_EQ(out.records[0].model, "gpt-5.5");
  EXPECT_EQ(out.records[0].effort, "xhigh");
  EXPECT_TRUE(out.problems.empty());
}

TEST(CodexAdapterTest, UnknownModelIsReportedNotGuessed) {
  const std::string thread = "0199a213-81c0-7800-8aa1-bbab2a035a57";
  const std::string text = join_lines({
      meta_line("2026-01-01T00:00:00.000Z", thread, "/work/proj"),
      usage_record_line("2026-01-01T00:00:02.000Z", thread, "t1", "resp_nomodel",
                        usage_json(10, 0, 1, 0)),
  });
  ParseOutput out = test::parse_text(*make_codex_adapter(), codex_file("/x/r.jsonl"), text);
  ASSERT_EQ(out.records.size(), 1U);
  EXPECT_EQ(out.records[0].model, "");
  EXPECT_EQ(out.records[0].tokens.input, 10);
  ASSERT_EQ(out.problems.size(), 1U);
  EXPECT_EQ(out.problems[0].line, 2);
  EXPECT_NE(out.problems[0].what.find("model unknown"), std::string::npos);
}

TEST(CodexAdapterTest, MalformedLinesAreReportedAndTheRestIsCounted) {
  const std::string text = test::read_file(fixture(kC2Shell).path);
  std::vector<Line> lines = test::split_lines(text);
  ASSERT_GT(lines.size(), 4U);
  const std::string truncated =
      R"({"timestamp":"2026-11-22T22:09:00.300Z","ordinal":3,"type":"token_usage_record","payload":{"response_id":"resp_x","usage":{"input_tokens":5)";
  const std::string garbage = "token_count but not JSON at all";
  const std::string bad_value =
      R"({"timestamp":"2026-11-22T22:09:00.301Z","type":"token_usage_record","payload":{"response_id":"resp_y","usage":{"input_tokens":}}})";
  std::string edited;
  for (size_t i = 0; i < lines.size(); ++i) {
    edited += lines[i].text;
    edited += '\n';
    if (i == 1) {
      edited += truncated;
      edited += '\n';
      edited += garbage;
      edited += '\n';
      edited += bad_value;
      edited += '\n';
    }
  }
  edited +=
      R"({"timestamp":"2026-11-22T22:09:09.000Z","type":"token_usage_record","payload":{"respo)";  // partial tail
  ParseOutput out = test::parse_text(*make_codex_adapter(), fixture(kC2Shell), edited);
  ASSERT_EQ(out.problems.size(), 3U);
  EXPECT_EQ(out.problems[0].line, 3);
  EXPECT_NE(out.problems[0].what.find("malformed JSON"), std::string::npos);
  EXPECT_EQ(out.problems[0].file, fixture(kC2Shell).path);
  EXPECT_EQ(out.problems[0].offset, static_cast<std::int64_t>(edited.find(truncated)));
  EXPECT_EQ(out.problems[1].line, 4);
  EXPECT_EQ(out.problems[2].line, 5);
  ParseOutput clean = parse_fixture(kC2Shell);
  ASSERT_EQ(out.records.size(), clean.records.size());
  EXPECT_EQ(test::totals_by_model(out.records), test::totals_by_model(clean.records));
}

TEST(CodexAdapterTest, PrettyPrintedLinesAreRead) {
  const std::string thread = "0199a213-81c0-7800-8aa1-bbab2a035a58";
  const std::string text = join_lines({
      R"({ "timestamp": "2026-01-01T00:00:00.000Z", "type": "session_meta", "payload": { "id": "0199a213-81c0-7800-8aa1-bbab2a035a58", "cwd": "/p" } })",
      R"({ "timestamp": "2026-01-01T00:00:01.000Z", "type": "turn_context", "payload": { "turn_id": "t", "model": "gpt-5.5" } })",
      R"({ "type": "token_usage_record", "timestamp": "2026-01-01T00:00:02.000Z", "payload": { "usage": { "output_tokens": 7, "input_tokens": 100, "cached_input_tokens": 40 }, "response_id": "resp_pretty", "turn_id": "t" } })",
  });
  ParseOutput out = test::parse_text(*make_codex_adapter(), codex_file("/x/r.jsonl"), text);
  ASSERT_EQ(out.records.size(), 1U);
  EXPECT_EQ(out.records[0].session_id, thread);
  EXPECT_EQ(out.records[0].model, "gpt-5.5");
  EXPECT_EQ(out.records[0].tokens, (TokenCounts{60, 40, 0, 0, 7, 0}));
}

TEST(CodexAdapterTest, PrefilterSkipsLinesButChangesNothing) {
  std::unique_ptr<Adapter> adapter = make_codex_adapter();
  for (const std::string& name : {kC1Hi, kC1Other, kC2Shell, kC3Multi, kC6Parent, kC6Child}) {
    const SourceFile file = fixture(name);
    const std::string text = test::read_file(file.path);
    ParseOutput filtered = test::parse_text(*adapter, file, text);
    EXPECT_GT(filtered.skipped_lines, 0) << name;
    test::PaddedText padded(text);
    ParseOutput all;
    WantsEverything parser(adapter->open(file));
    test::feed(parser, test::split_lines(padded.view()), all);
    EXPECT_EQ(describe(filtered.records), describe(all.records)) << name;
    ASSERT_EQ(all.sessions.size(), 1U);
    EXPECT_EQ(describe(filtered.sessions.at(0)), describe(all.sessions.at(0))) << name;
  }
}

TEST(CodexAdapterTest, ResumingMidFileGivesTheSameResultAsOneRun) {
  std::unique_ptr<Adapter> adapter = make_codex_adapter();
  std::vector<std::pair<SourceFile, std::string>> inputs;
  for (const std::string& name : {kC1Hi, kC2Shell, kC3Multi, kC6Parent, kC6Child}) {
    inputs.emplace_back(fixture(name), test::read_file(fixture(name).path));
  }
  inputs.emplace_back(codex_file(kOldPath), old_rollout());
  for (const auto& [file, text] : inputs) {
    const ParseOutput one = test::parse_text(*adapter, file, text);
    const size_t n = test::split_lines(text).size();
    for (size_t split = 0; split <= n; ++split) {
      const ParseOutput two = test::parse_in_two_runs(*adapter, file, text, split);
      EXPECT_EQ(describe(two.records), describe(one.records)) << file.path << " split " << split;
      EXPECT_EQ(describe(two.problems), describe(one.problems)) << file.path << " split " << split;
      ASSERT_EQ(two.sessions.size(), 1U);
      EXPECT_EQ(describe(two.sessions[0]), describe(one.sessions.at(0)))
          << file.path << " split " << split;
    }
  }
}

TEST(CodexAdapterTest, RestoreRejectsForeignState) {
  std::unique_ptr<FileParser> parser = make_codex_adapter()->open(codex_file("/x/r.jsonl"));
  EXPECT_FALSE(parser->restore_state("v=gemini-1\n"));
  EXPECT_FALSE(parser->restore_state("no equals sign here"));
}

TEST(CodexAdapterTest, ArchivedCopyYieldsIdenticalIds) {
  test::TempDir home;
  ASSERT_FALSE(home.path().empty());
  const std::string text = test::read_file(fixture(kC3Multi).path);
  test::write_file(home.path() + kRollouts + kC3Multi, text);
  test::write_file(home.path() + "/.codex/archived_sessions/" + kC3Multi, text);
  std::unique_ptr<Adapter> adapter = make_codex_adapter();
  DiscoveryEnv env;
  env.home = home.path();
  std::vector<SourceFile> files;
  adapter->discover(env, files);
  ASSERT_EQ(files.size(), 2U);
  ParseOutput a = test::parse_file(*adapter, files[0]);
  ParseOutput b = test::parse_file(*adapter, files[1]);
  EXPECT_NE(files[0].path, files[1].path);
  EXPECT_EQ(files[0].file_key, files[1].file_key);
  ASSERT_EQ(a.records.size(), 6U);
  EXPECT_EQ(describe(a.records), describe(b.records));
  // The ledger keeps one row per id: both copies together still bill six responses.
  std::vector<UsageRecord> both = a.records;
  both.insert(both.end(), b.records.begin(), b.records.end());
  EXPECT_EQ(test::totals_by_model(both), test::totals_by_model(a.records));
  EXPECT_EQ(describe(a.sessions.at(0)), describe(b.sessions.at(0)));
}

TEST(CodexAdapterTest, DiscoveryHonoursCodexHomeOverHome) {
  test::TempDir home;
  test::TempDir codex_home;
  const std::string text = test::read_file(fixture(kC1Hi).path);
  test::write_file(home.path() + kRollouts + kC1Hi, text);
  test::write_file(codex_home.path() + "/sessions/2026/11/22/" + kC1Other, text);
  test::write_file(codex_home.path() + "/sessions/2026/11/22/notes.txt", "not a rollout");
  std::unique_ptr<Adapter> adapter = make_codex_adapter();

  DiscoveryEnv env;
  env.home = home.path();
  env.codex_home = codex_home.path();
  std::vector<SourceFile> files;
  adapter->discover(env, files);
  ASSERT_EQ(files.size(), 1U);
  EXPECT_EQ(files[0].file_key, kC1Other);
  EXPECT_EQ(files[0].agent, Agent::codex);
  EXPECT_FALSE(files[0].whole_document);
  EXPECT_EQ(adapter->roots(env),
            (std::vector<std::string>{codex_home.path() + "/sessions",
                                      codex_home.path() + "/archived_sessions"}));

  env.codex_home.clear();
  files.clear();
  adapter->discover(env, files);
  ASSERT_EQ(files.size(), 1U);
  EXPECT_EQ(files[0].file_key, kC1Hi);
  EXPECT_EQ(fs::path(files[0].path), fs::canonical(home.path() + kRollouts + kC1Hi));
}

TEST(CodexAdapterTest, MissingRootsFindNothing) {
  std::unique_ptr<Adapter> adapter = make_codex_adapter();
  std::vector<SourceFile> files;
  adapter->discover(DiscoveryEnv{}, files);
  EXPECT_TRUE(adapter->roots(DiscoveryEnv{}).empty());
  DiscoveryEnv env;
  env.home = "/nonexistent/tally-test-home";
  adapter->discover(env, files);
  env.codex_home = "/nonexistent/tally-test-codex";
  adapter->discover(env, files);
  EXPECT_TRUE(files.empty());
}

}  // namespace
}  // namespace tally::sources
