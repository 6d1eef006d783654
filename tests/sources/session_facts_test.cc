// Session-anatomy facts (core/session_facts.h, sources/session_tools.h) as each adapter
// collects them: tool calls by name, edits and the files they touched, shell and web calls,
// compactions with their pre-compaction size, slash commands and responses. On the derived
// real fixtures (what the files hold) and on real-shaped lines for what the fixtures lack.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "sources/claude.h"
#include "sources/codex.h"
#include "sources/fs_walk.h"
#include "sources/gemini.h"
#include "sources/session_tools.h"
#include "test_support.h"

namespace tally::sources {
namespace {

using test::describe;

const std::string kClaudeDir = test::real_home() + "/.claude/projects/";
const std::string kS3 = kClaudeDir +
                        "-tmp-realcli-runs-claude-work-s3-multiturn/"
                        "5daf8a42-7cc3-4c00-8d06-cc84cf26668f.jsonl";
const std::string kS4 = kClaudeDir +
                        "-tmp-realcli-runs-claude-work-s4-subagent/"
                        "a6e0e7e2-b505-4c7a-b792-96d2925543e7.jsonl";
const std::string kS4Agent = kClaudeDir +
                             "-tmp-realcli-runs-claude-work-s4-subagent/"
                             "a6e0e7e2-b505-4c7a-b792-96d2925543e7/subagents/"
                             "agent-aa7b8e1b608180d66.jsonl";
const std::string kCodexDir = test::real_home() + "/.codex/sessions/2026/11/22/";
const std::string kC2 =
    kCodexDir + "rollout-2026-11-22T22-09-00-01a2054e-30e4-7a81-a065-b7fd48ab6cfd.jsonl";
const std::string kC6 =
    kCodexDir + "rollout-2026-11-22T22-09-06-01a2054e-4b70-7b32-8469-63fa5300ffc9.jsonl";
const std::string kC6Agent =
    kCodexDir + "rollout-2026-11-22T22-09-07-01a2054e-4c98-7e50-b59c-890d4b215a64.jsonl";
const std::string kG2 =
    test::real_home() + "/.gemini/tmp/g2-shell/chats/session-2026-11-22T22-07-ee6519bf.jsonl";

SessionFacts facts_of(const Adapter& adapter, const std::string& path, std::string_view text) {
  const SourceFile file{adapter.agent(), path, base_name(path), false, std::nullopt};
  const ParseOutput out = test::parse_text(adapter, file, text);
  EXPECT_TRUE(out.problems.empty()) << ::testing::PrintToString(describe(out.problems));
  EXPECT_EQ(out.sessions.size(), 1u) << path;
  return out.sessions.empty() ? SessionFacts{} : out.sessions.front();
}

SessionFacts file_facts(const Adapter& adapter, const std::string& path) {
  return facts_of(adapter, path, test::read_file(path));
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& l : lines) {
    text += l + "\n";
  }
  return text;
}

// Reading `text` in two runs split at every line gives exactly the facts of one read.
void expect_resumable(const Adapter& adapter, const std::string& path, const std::string& text) {
  const SourceFile file{adapter.agent(), path, base_name(path), false, std::nullopt};
  const ParseOutput once = test::parse_text(adapter, file, text);
  ASSERT_EQ(once.sessions.size(), 1u);
  const size_t n = test::split_lines(text).size();
  for (size_t split = 0; split <= n; ++split) {
    const ParseOutput twice = test::parse_in_two_runs(adapter, file, text, split);
    ASSERT_EQ(twice.sessions.size(), 1u) << split;
    EXPECT_EQ(describe(twice.sessions[0]), describe(once.sessions[0])) << "split " << split;
  }
}

// --- Real fixtures ------------------------------------------------------------------------

TEST(SessionFactsTest, ClaudeS3HasFourPromptsOneCompactCommandAndOneCompaction) {
  const SessionFacts f = file_facts(*make_claude_adapter(), kS3);
  EXPECT_EQ(f.user_prompts, 4);
  EXPECT_EQ(f.commands, 1);  // /compact
  EXPECT_EQ(f.compactions, 1);
  EXPECT_EQ(f.compaction_tokens, std::vector<std::int64_t>{12775});  // compactMetadata.preTokens
  // Seven distinct message ids carry usage (two of them over two content-block lines).
  EXPECT_EQ(f.responses, 7);
  EXPECT_EQ(f.tool_calls, (std::map<std::string, std::int64_t>{{"Bash", 2}, {"Write", 1}}));
  EXPECT_EQ(f.shell_calls, 2);
  EXPECT_EQ(f.edit_calls, 1);
  EXPECT_EQ(f.files_touched,
            std::vector<std::string>{"/tmp/realcli/runs/claude/work/s3-multiturn/mock_chain.txt"});
  EXPECT_EQ(f.files_touched_more, 0);
  EXPECT_EQ(f.web_searches + f.web_fetches, 0);
  EXPECT_EQ(f.lines_added, 2);
}

TEST(SessionFactsTest, ClaudeS4ParentSpawnsOneAgentAndItsNotificationIsNoPrompt) {
  const SessionFacts parent = file_facts(*make_claude_adapter(), kS4);
  EXPECT_EQ(parent.user_prompts, 1);  // not the <task-notification> line
  EXPECT_EQ(parent.commands, 0);
  EXPECT_EQ(parent.tool_calls, (std::map<std::string, std::int64_t>{{"Agent", 1}}));
  EXPECT_EQ(parent.responses, 3);
  const SessionFacts sub = file_facts(*make_claude_adapter(), kS4Agent);
  EXPECT_EQ(sub.session_id, "a6e0e7e2-b505-4c7a-b792-96d2925543e7/agent-aa7b8e1b608180d66");
  EXPECT_EQ(sub.user_prompts, 0);  // the parent's task prompt is a sidechain line
  EXPECT_EQ(sub.tool_calls, (std::map<std::string, std::int64_t>{{"Bash", 1}}));
  EXPECT_EQ(sub.shell_calls, 1);
  EXPECT_EQ(sub.responses, 2);
}

TEST(SessionFactsTest, CodexC2OneShellCallTwoResponses) {
  const SessionFacts f = file_facts(*make_codex_adapter(), kC2);
  EXPECT_EQ(f.user_prompts, 1);
  EXPECT_EQ(f.tool_calls, (std::map<std::string, std::int64_t>{{"exec_command", 1}}));
  EXPECT_EQ(f.shell_calls, 1);
  EXPECT_EQ(f.edit_calls, 0);
  EXPECT_EQ(f.responses, 2);
  EXPECT_EQ(f.compactions, 0);
}

TEST(SessionFactsTest, CodexC6ParentSpawnsAndWaitsAndTheSubAgentRunsTheShell) {
  const SessionFacts parent = file_facts(*make_codex_adapter(), kC6);
  EXPECT_EQ(parent.tool_calls,
            (std::map<std::string, std::int64_t>{{"spawn_agent", 1}, {"wait_agent", 1}}));
  EXPECT_EQ(parent.responses, 3);
  EXPECT_EQ(parent.user_prompts, 1);
  const SessionFacts sub = file_facts(*make_codex_adapter(), kC6Agent);
  EXPECT_EQ(sub.parent_session_id, parent.session_id);
  EXPECT_EQ(sub.tool_calls, (std::map<std::string, std::int64_t>{{"exec_command", 1}}));
  EXPECT_EQ(sub.responses, 2);
  EXPECT_EQ(sub.user_prompts, 0);  // the parent's message is an agent_message, not typed
}

TEST(SessionFactsTest, GeminiG2CountsTheShellCallOnceThoughTheResponseIsWrittenTwice) {
  const SessionFacts f = file_facts(*make_gemini_adapter(), kG2);
  EXPECT_EQ(f.tool_calls, (std::map<std::string, std::int64_t>{{"run_shell_command", 1}}));
  EXPECT_EQ(f.shell_calls, 1);
  EXPECT_EQ(f.user_prompts, 1);
  EXPECT_EQ(f.compactions, 0);
}

TEST(SessionFactsTest, RealFixturesResumeAtEveryLineWithTheSameFacts) {
  for (const std::string& path : {kS3, kS4, kS4Agent}) {
    expect_resumable(*make_claude_adapter(), path, test::read_file(path));
  }
  for (const std::string& path : {kC2, kC6, kC6Agent}) {
    expect_resumable(*make_codex_adapter(), path, test::read_file(path));
  }
  expect_resumable(*make_gemini_adapter(), kG2, test::read_file(kG2));
}

// --- Claude, real-shaped lines ------------------------------------------------------------

const std::string kClaudePath =
    "/home/me/.claude/projects/-w/11111111-2222-3333-4444-555555555555.jsonl";

std::string claude_tool(std::string_view msg_id, std::string_view tool_id, std::string_view name,
                        std::string_view input, std::string_view at = "2026-11-22T22:06:45.000Z") {
  return fmt::format(
      R"({{"parentUuid":"p","isSidechain":false,"message":{{"model":"claude-opus-5-5","id":"{}",)"
      R"("type":"message","role":"assistant","content":[{{"type":"tool_use","id":"{}","name":"{}",)"
      R"("input":{}}}],"stop_reason":null,"usage":{{"input_tokens":10,)"
      R"("cache_creation_input_tokens":0,"cache_read_input_tokens":100,"output_tokens":5}}}},)"
      R"("requestId":"req_{}","type":"assistant","uuid":"u","timestamp":"{}",)"
      R"("sessionId":"11111111-2222-3333-4444-555555555555","cwd":"/w"}})",
      msg_id, tool_id, name, input, msg_id, at);
}

std::string claude_user(std::string_view content) {
  return fmt::format(
      R"({{"parentUuid":"p","isSidechain":false,"type":"user","message":{{"role":"user",)"
      R"("content":{}}},"uuid":"u","timestamp":"2026-11-22T22:06:44.000Z",)"
      R"("sessionId":"11111111-2222-3333-4444-555555555555","cwd":"/w"}})",
      content);
}

std::string compact_boundary(std::int64_t pre_tokens) {
  return fmt::format(
      R"({{"parentUuid":null,"logicalParentUuid":"x","isSidechain":false,"type":"system",)"
      R"("subtype":"compact_boundary","content":"Conversation compacted","isMeta":false,)"
      R"("timestamp":"2026-11-22T22:07:00.000Z","uuid":"c","level":"info",)"
      R"("compactMetadata":{{"trigger":"auto","preTokens":{},"postTokens":10}},)"
      R"("sessionId":"11111111-2222-3333-4444-555555555555"}})",
      pre_tokens);
}

const std::vector<std::string> kClaudeLines = {
    claude_user(R"("fix it")"),
    claude_tool("msg_1", "toolu_1", "Edit", R"({"file_path":"/w/b.cc","old_string":"x"})"),
    claude_tool("msg_1", "toolu_1", "Edit", R"({"file_path":"/w/b.cc","old_string":"x"})"),
    claude_tool("msg_2", "toolu_2", "MultiEdit", R"({"file_path":"/w/a.cc","edits":[]})"),
    claude_tool("msg_3", "toolu_3", "Write", R"({"file_path":"/w/b.cc","content":"y"})"),
    claude_tool("msg_4", "toolu_4", "NotebookEdit", R"({"notebook_path":"/w/n.ipynb"})"),
    claude_tool("msg_5", "toolu_5", "WebSearch", R"({"query":"q"})"),
    claude_tool("msg_6", "toolu_6", "WebFetch", R"({"url":"https://x","prompt":"p"})"),
    claude_tool("msg_7", "toolu_7", "Grep", R"({"pattern":"p"})"),
    claude_user(R"([{"type":"text","text":"<command-name>/compact</command-name>"}])"),
    compact_boundary(150000),
    compact_boundary(98000),
    claude_user(R"("<command-name>/model</command-name>\n<command-args>x</command-args>")"),
    claude_user(R"("<local-command-stdout>set</local-command-stdout>")"),
};

TEST(SessionFactsTest, ClaudeToolUseBlocksBecomeCallsEditsFilesAndWebCalls) {
  const SessionFacts f = facts_of(*make_claude_adapter(), kClaudePath, join_lines(kClaudeLines));
  EXPECT_EQ(f.tool_calls, (std::map<std::string, std::int64_t>{{"Edit", 1},
                                                               {"Grep", 1},
                                                               {"MultiEdit", 1},
                                                               {"NotebookEdit", 1},
                                                               {"WebFetch", 1},
                                                               {"WebSearch", 1},
                                                               {"Write", 1}}));
  EXPECT_EQ(f.edit_calls, 4);  // the repeated copy of toolu_1 is one call
  EXPECT_EQ(f.files_touched, (std::vector<std::string>{"/w/a.cc", "/w/b.cc", "/w/n.ipynb"}));
  EXPECT_EQ(f.web_searches, 1);
  EXPECT_EQ(f.web_fetches, 1);
  EXPECT_EQ(f.shell_calls, 0);
  EXPECT_EQ(f.responses, 7);  // msg_1's two lines are one response
  EXPECT_EQ(f.user_prompts, 1);
  EXPECT_EQ(f.commands, 2);
  EXPECT_EQ(f.compaction_tokens, (std::vector<std::int64_t>{150000, 98000}));
  EXPECT_EQ(f.compactions, 2);
}

TEST(SessionFactsTest, ClaudeLinesResumeAtEveryLineWithTheSameFacts) {
  expect_resumable(*make_claude_adapter(), kClaudePath, join_lines(kClaudeLines));
}

// --- Codex, real-shaped lines -------------------------------------------------------------

const std::string kCodexPath =
    "/home/me/.codex/sessions/2026/11/22/"
    "rollout-2026-11-22T22-09-00-01a2054e-0000-7000-8000-000000000001.jsonl";

std::string codex_line(int ordinal, std::string_view type, std::string_view payload) {
  return fmt::format(
      R"({{"timestamp":"2026-11-22T22:09:{:02}.000Z","ordinal":{},"type":"{}","payload":{}}})",
      ordinal, ordinal, type, payload);
}

const std::vector<std::string> kCodexLines = {
    codex_line(1, "session_meta",
               R"({"id":"01a2054e-0000-7000-8000-000000000001",)"
               R"("session_id":"01a2054e-0000-7000-8000-000000000001","cwd":"/w"})"),
    codex_line(2, "turn_context", R"({"turn_id":"u1","model":"gpt-5.5","effort":"high"})"),
    codex_line(3, "response_item",
               R"({"type":"custom_tool_call","status":"completed","call_id":"c1",)"
               R"("name":"apply_patch","input":"*** Begin Patch\n*** Update File: src/a.cc\n)"
               R"(@@\n-x\n+y\n*** Add File: src/b.cc\n+z\n*** End Patch\n"})"),
    codex_line(4, "response_item",
               R"({"type":"function_call","name":"shell","call_id":"c2","arguments":)"
               R"("{\"command\":[\"apply_patch\",\"*** Begin Patch\\n*** Update File: )"
               R"(src/c.cc\\n*** Move to: src/d.cc\\n*** End Patch\"]}"})"),
    codex_line(5, "response_item",
               R"({"type":"function_call","name":"exec_command","call_id":"c3",)"
               R"("arguments":"{\"cmd\":\"ls\"}"})"),
    codex_line(6, "response_item",
               R"({"type":"function_call_output","call_id":"c3","output":"ok"})"),
    codex_line(7, "response_item",
               R"({"type":"web_search_call","status":"completed",)"
               R"("action":{"type":"search","query":"q"}})"),
    codex_line(8, "response_item",
               R"({"type":"web_search_call","status":"completed",)"
               R"("action":{"type":"open_page","url":"https://x"}})"),
    codex_line(9, "response_item",
               R"({"type":"local_shell_call","status":"completed","call_id":"c4",)"
               R"("action":{"type":"exec","command":["ls"]}})"),
    codex_line(10, "token_usage_record",
               R"({"thread_id":"01a2054e-0000-7000-8000-000000000001",)"
               R"("session_id":"01a2054e-0000-7000-8000-000000000001","turn_id":"u1",)"
               R"("response_id":"resp_1","usage":{"input_tokens":1000,"cached_input_tokens":200,)"
               R"("output_tokens":50,"reasoning_output_tokens":10,"total_tokens":1050}})"),
    codex_line(11, "compacted", R"({"message":"","replacement_history":[]})"),
    codex_line(12, "event_msg",
               R"({"type":"item_completed","item":{"type":"UserMessage","content":[]}})"),
};

TEST(SessionFactsTest, CodexToolItemsBecomeCallsAndPatchesNameTheirFiles) {
  const SessionFacts f = facts_of(*make_codex_adapter(), kCodexPath, join_lines(kCodexLines));
  EXPECT_EQ(f.tool_calls, (std::map<std::string, std::int64_t>{{"apply_patch", 2},
                                                               {"exec_command", 1},
                                                               {"local_shell_call", 1},
                                                               {"web_search_call", 2}}));
  EXPECT_EQ(f.edit_calls, 2);  // the shell-run apply_patch counts as an edit
  EXPECT_EQ(f.files_touched,
            (std::vector<std::string>{"src/a.cc", "src/b.cc", "src/c.cc", "src/d.cc"}));
  EXPECT_EQ(f.shell_calls, 2);
  EXPECT_EQ(f.web_searches, 1);
  EXPECT_EQ(f.web_fetches, 1);
  EXPECT_EQ(f.responses, 1);
  // The compaction is sized by the context of the response before it: input + output.
  EXPECT_EQ(f.compaction_tokens, std::vector<std::int64_t>{1050});
  EXPECT_EQ(f.user_prompts, 1);
}

TEST(SessionFactsTest, CodexLinesResumeAtEveryLineWithTheSameFacts) {
  expect_resumable(*make_codex_adapter(), kCodexPath, join_lines(kCodexLines));
}

// --- Gemini, real-shaped lines ------------------------------------------------------------

const std::string kGeminiPath =
    "/home/me/.gemini/tmp/w/chats/session-2026-11-22T22-07-aaaabbbb.jsonl";

std::string gemini_response(std::string_view id, std::string_view tool_calls) {
  return fmt::format(
      R"({{"id":"{}","timestamp":"2026-11-22T22:07:50.000Z","type":"gemini","content":"",)"
      R"("thoughts":[],"tokens":{{"input":100,"output":10,"cached":0,"thoughts":0,"tool":0,)"
      R"("total":110}},"model":"gemini-3.8-flash"{}}})",
      id, tool_calls);
}

const std::string kGeminiCalls =
    R"(,"toolCalls":[{"id":"c1","name":"replace","args":{"file_path":"/w/a.py",)"
    R"("old_string":"x","new_string":"y"},"status":"success"},)"
    R"({"id":"c2","name":"google_web_search","args":{"query":"q"},"status":"success"},)"
    R"({"id":"c3","name":"web_fetch","args":{"prompt":"p"},"status":"success"},)"
    R"({"id":"c4","name":"write_file","args":{"file_path":"/w/a.py","content":"z"}}])";

const std::vector<std::string> kGeminiLines = {
    R"({"sessionId":"aaaabbbb-0000-4000-8000-000000000001","projectHash":"h",)"
    R"("startTime":"2026-11-22T22:07:40.000Z","lastUpdated":"2026-11-22T22:07:40.000Z",)"
    R"("kind":"main"})",
    R"({"id":"u1","timestamp":"2026-11-22T22:07:41.000Z","type":"user","content":[{"text":"go"}]})",
    gemini_response("m1", ""),
    gemini_response("m1", kGeminiCalls),
    gemini_response("m2", ""),
};

TEST(SessionFactsTest, GeminiToolCallsCountOncePerResponseWithTheirFiles) {
  const SessionFacts f = facts_of(*make_gemini_adapter(), kGeminiPath, join_lines(kGeminiLines));
  EXPECT_EQ(f.tool_calls,
            (std::map<std::string, std::int64_t>{
                {"google_web_search", 1}, {"replace", 1}, {"web_fetch", 1}, {"write_file", 1}}));
  EXPECT_EQ(f.edit_calls, 2);
  EXPECT_EQ(f.files_touched, std::vector<std::string>{"/w/a.py"});
  EXPECT_EQ(f.web_searches, 1);
  EXPECT_EQ(f.web_fetches, 1);
  EXPECT_EQ(f.responses, 2);
  EXPECT_EQ(f.user_prompts, 1);
}

TEST(SessionFactsTest, GeminiLinesResumeAtEveryLineWithTheSameFacts) {
  expect_resumable(*make_gemini_adapter(), kGeminiPath, join_lines(kGeminiLines));
}

// --- Shared pieces ------------------------------------------------------------------------

TEST(ToolFactsTest, FilesBeyondTheCapAreCountedOnceEach) {
  ToolFacts t;
  for (size_t i = 0; i < kMaxFilesTouched + 3; ++i) {
    t.file_touched(fmt::format("/f/{:04}", i));
  }
  t.file_touched("/f/0000");                                  // listed already
  t.file_touched(fmt::format("/f/{:04}", kMaxFilesTouched));  // beyond the cap, seen before
  StateBag bag;
  t.save(bag);
  ToolFacts restored;
  ASSERT_TRUE(restored.restore(bag));
  restored.file_touched(fmt::format("/f/{:04}", kMaxFilesTouched + 1));  // seen before the save
  restored.file_touched("/f/new");
  SessionFacts f;
  restored.fill(f);
  EXPECT_EQ(f.files_touched.size(), kMaxFilesTouched);
  EXPECT_EQ(f.files_touched_more, 4);
}

TEST(ToolFactsTest, ToolKindsAcrossAgents) {
  EXPECT_EQ(tool_kind("Edit"), ToolKind::edit);
  EXPECT_EQ(tool_kind("apply_patch"), ToolKind::edit);
  EXPECT_EQ(tool_kind("replace"), ToolKind::edit);
  EXPECT_EQ(tool_kind("Bash"), ToolKind::shell);
  EXPECT_EQ(tool_kind("exec_command"), ToolKind::shell);
  EXPECT_EQ(tool_kind("run_shell_command"), ToolKind::shell);
  EXPECT_EQ(tool_kind("WebSearch"), ToolKind::web_search);
  EXPECT_EQ(tool_kind("google_web_search"), ToolKind::web_search);
  EXPECT_EQ(tool_kind("WebFetch"), ToolKind::web_fetch);
  EXPECT_EQ(tool_kind("Read"), ToolKind::other);
}

TEST(SessionFactsCodecTest, EncodingsRoundTripAwkwardText) {
  const std::map<std::string, std::int64_t> tools = {{"a\tb", 2}, {"x\ny\\z\x1e", 5}, {"=", 1}};
  const std::string encoded = encode_tool_calls(tools);
  EXPECT_EQ(encoded.find('\x1e'), std::string::npos);
  auto decoded = decode_tool_calls(encoded);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, tools);
  const std::vector<std::string> paths = {"/a b/c", "/new\nline", "/tab\there", "/back\\slash"};
  EXPECT_EQ(decode_paths(encode_paths(paths)), paths);
  const std::vector<std::int64_t> sizes = {12775, 0, -1};
  auto ints = decode_ints(encode_ints(sizes));
  ASSERT_TRUE(ints);
  EXPECT_EQ(*ints, sizes);
  EXPECT_FALSE(decode_ints("1,x"));
  EXPECT_FALSE(decode_tool_calls("name-without-count\n"));
}

TEST(SessionFactsCodecTest, MergeAddsCountsUnitesFilesAndWidensTheSpan) {
  SessionFacts a;
  a.first_ts = 2000;
  a.last_ts = 3000;
  a.user_prompts = 2;
  a.tool_calls = {{"Bash", 1}};
  a.files_touched = {"/b"};
  a.compaction_tokens = {100};
  a.compactions = 1;
  a.lines_added = 5;
  SessionFacts b;
  b.first_ts = 1000;
  b.last_ts = 2500;
  b.user_prompts = 1;
  b.tool_calls = {{"Bash", 2}, {"Edit", 1}};
  b.files_touched = {"/a", "/b"};
  b.compaction_tokens = {200};
  b.compactions = 1;
  b.lines_added = 7;
  b.title = "t";
  merge_session_facts(a, b);
  EXPECT_EQ(a.first_ts, 1000);
  EXPECT_EQ(a.last_ts, 3000);
  EXPECT_EQ(a.user_prompts, 3);
  EXPECT_EQ(a.tool_calls, (std::map<std::string, std::int64_t>{{"Bash", 3}, {"Edit", 1}}));
  EXPECT_EQ(a.files_touched, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(a.compaction_tokens, (std::vector<std::int64_t>{100, 200}));
  EXPECT_EQ(a.compactions, 2);
  EXPECT_EQ(a.lines_added, 7);  // running session totals: the larger, not the sum
  EXPECT_EQ(a.title, "t");
}

TEST(SessionFactsCodecTest, GitMarksRoundTripAwkwardTextAndBadLinesAreErrors) {
  const std::vector<GitMark> marks = {
      {"commit", 1796000079677, "/tmp/realcli/outcomes/repos/widget", "main", "6769d15",
       "Add greet() helper", ""},
      {"pr-create", 1796000090000, "", "feat/parse-config", "", "",
       "https://github.com/acme/widget/pull/7"},
      {"amend", -1, "/a\tb\n", "detached HEAD", "abcdef0", "tab\there \\ x", ""}};
  const std::string encoded = encode_git_marks(marks);
  EXPECT_EQ(encoded.find('\x1e'), std::string::npos);
  auto decoded = decode_git_marks(encoded);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, marks);
  EXPECT_TRUE(decode_git_marks("")->empty());
  EXPECT_FALSE(decode_git_marks("commit\t12\tdir\n"));
  EXPECT_FALSE(decode_git_marks("commit\tnot-a-time\t\t\t\t\t\n"));
}

TEST(SessionFactsCodecTest, MergeUnitesGitMarksOnceEachAndCountsWhatDoesNotFit) {
  SessionFacts a;
  ASSERT_TRUE(add_git_mark(a, {"commit", 1, "/w", "main", "6769d15", "Add greet() helper", ""}));
  SessionFacts b;
  // The same commit seen in another file of the session (a resumed transcript), and a new one.
  ASSERT_TRUE(add_git_mark(b, {"commit", 2, "/w", "main", "6769d15", "Add greet() helper", ""}));
  ASSERT_TRUE(add_git_mark(b, {"commit", 3, "/w", "main", "8dcfd5c", "Add test for greet()", ""}));
  b.git_marks_more = 4;
  merge_session_facts(a, b);
  ASSERT_EQ(a.git_marks.size(), 2U);
  EXPECT_EQ(a.git_marks[0].ts, 1) << "the first sighting is kept";
  EXPECT_EQ(a.git_marks[1].short_sha, "8dcfd5c");
  EXPECT_EQ(a.git_marks_more, 4);
  // An amend of the same SHA is another mark; a full list takes no more.
  EXPECT_TRUE(add_git_mark(a, {"amend", 4, "/w", "main", "6769d15", "", ""}));
  EXPECT_EQ(a.git_marks.size(), 3U);
  a.git_marks.resize(kMaxGitMarks, a.git_marks.back());
  EXPECT_FALSE(add_git_mark(a, {"commit", 5, "/w", "main", "1234567", "", ""}));
  EXPECT_TRUE(add_git_mark(a, {"commit", 5, "/w", "main", "8dcfd5c", "", ""})) << "known";
}

// --- Titles -------------------------------------------------------------------------------

TEST(SessionTitleTest, PromptTitleIsTheFirstLineShortenedAndClean) {
  EXPECT_EQ(prompt_title("  \n\t \n  Fix the   flaky\ttest\r\nand more lines"), "Fix the flaky test");
  EXPECT_EQ(prompt_title(" \n \t "), "");
  EXPECT_EQ(prompt_title("evil \x1b]0;title\x07 here"), "evil ]0;title here");
  const std::string long_prompt(200, 'x');
  const std::string cut = prompt_title(long_prompt);
  EXPECT_EQ(cut, std::string(kTitleChars - 1, 'x') + "\u2026");
  // Cut on a character, never inside one: 100 two-byte characters.
  std::string accents;
  for (int i = 0; i < 100; ++i) {
    accents += "\xc3\xa9";
  }
  const std::string t = prompt_title(accents);
  EXPECT_EQ(t.size(), (kTitleChars - 1) * 2 + 3);
  EXPECT_EQ(t.substr(t.size() - 3), "\u2026");
}

// The derived fixtures carry scrubbed prompts ("scrubbed <hash>", tests/data/real-logs):
// the title is the first typed one, whatever came before it.
TEST(SessionTitleTest, EachAgentsFirstTypedPromptOnTheRealFixtures) {
  EXPECT_EQ(file_facts(*make_claude_adapter(), kS3).title, "scrubbed 74527afb");
  EXPECT_EQ(file_facts(*make_codex_adapter(), kC2).title, "scrubbed 9ec20060");
  EXPECT_EQ(file_facts(*make_gemini_adapter(), kG2).title, "scrubbed 9ec20060");
  // Tool results, reminders and a sub-agent's notification are not typed prompts.
  EXPECT_EQ(file_facts(*make_claude_adapter(), kS4).title, "scrubbed 19416aaa");
}

const std::vector<std::string> kTitledLines = {
    claude_user(R"("<command-name>/model</command-name>")"),
    claude_user(R"([{"type":"text","text":"\n  Why does   the parser\tdrop line 1?\nstack..."}])"),
    claude_user(R"("second prompt")"),
    R"({"type":"ai-title","aiTitle":"Parser drops the first line",)"
    R"("sessionId":"11111111-2222-3333-4444-555555555555"})",
};

TEST(SessionTitleTest, TheAgentsOwnTitleWinsOverTheFirstPromptAcrossRuns) {
  const std::vector<std::string> untitled(kTitledLines.begin(), kTitledLines.end() - 1);
  EXPECT_EQ(facts_of(*make_claude_adapter(), kClaudePath, join_lines(untitled)).title,
            "Why does the parser drop line 1?");
  EXPECT_EQ(facts_of(*make_claude_adapter(), kClaudePath, join_lines(kTitledLines)).title,
            "Parser drops the first line");
  expect_resumable(*make_claude_adapter(), kClaudePath, join_lines(kTitledLines));
}

}  // namespace
}  // namespace tally::sources
