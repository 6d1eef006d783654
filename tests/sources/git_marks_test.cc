// Git marks (core/session_facts.h GitMark, issue 18) as the Claude adapter collects them:
// Claude Code's own gitOperation record of a commit or pull request its tool call made, the
// subject from the commit header of that call's stdout, and pr-link lines. The lines are
// shaped as Claude Code 2.1.330 wrote them in ../shared/fixtures/outcomes; the genuine
// session is read too when that directory is there.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
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

const std::string kPath = "/h/.claude/projects/-w-widget/b67906ca.jsonl";

SessionFacts facts_of(std::string_view text, const std::string& path = kPath) {
  auto adapter = make_claude_adapter();
  const SourceFile file{adapter->agent(), path, base_name(path), false, std::nullopt};
  const ParseOutput out = test::parse_text(*adapter, file, text);
  EXPECT_TRUE(out.problems.empty()) << ::testing::PrintToString(describe(out.problems));
  EXPECT_EQ(out.sessions.size(), 1u);
  return out.sessions.empty() ? SessionFacts{} : out.sessions.front();
}

// A user line with a Bash tool's result, as Claude Code writes it after a commit.
std::string tool_result(std::string_view ts, std::string_view stdout_json,
                        std::string_view git_operation_json) {
  return fmt::format(
      R"({{"parentUuid":"p","isSidechain":false,"type":"user","message":{{"role":"user",)"
      R"("content":[{{"tool_use_id":"toolu_1","type":"tool_result","content":{0},)"
      R"("is_error":false}}]}},"uuid":"u","timestamp":"{1}","toolUseResult":{{"stdout":{0},)"
      R"("stderr":"","interrupted":false{2}}},"cwd":"/w/widget","sessionId":"b67906ca",)"
      R"("version":"2.1.330","gitBranch":"main"}})",
      stdout_json, ts,
      git_operation_json.empty() ? std::string()
                                 : fmt::format(",\"gitOperation\":{}", git_operation_json));
}

const std::vector<std::string> kLines = {
    tool_result("2026-12-06T21:24:39.677Z",
                R"j("[main 6769d15] Add greet() helper\n 1 file changed, 4 insertions(+)")j",
                R"({"commit":{"sha":"6769d15","kind":"committed","branch":"main"}})"),
    // The same record again (a resumed transcript repeats it): one mark.
    tool_result("2026-12-06T21:24:39.677Z", R"("[main 6769d15] Add greet() helper")",
                R"({"commit":{"sha":"6769d15","kind":"committed","branch":"main"}})"),
    // A `git log` and a `cat` whose outputs hold SHAs and a header, with no gitOperation.
    tool_result("2026-12-06T21:24:50.000Z",
                R"("5b8578c Merge branch 'feat/parse-config'\n3e9dc88 Handle empty config")", ""),
    tool_result("2026-12-06T21:24:51.000Z", R"("[main 96998fc] Human commit quoted in a file")",
                ""),
    // An amend on a branch, with hook output before its header.
    tool_result("2026-12-06T21:24:55.000Z",
                R"("lint ok\n[feat/parse-config 3e9dc88] Handle empty config\n Date: x")",
                R"({"commit":{"sha":"3e9dc88","kind":"amended","branch":"feat/parse-config"},)"
                R"("push":{"branch":"feat/parse-config"}})"),
    // A pull request: gitOperation.pr on the gh result, and the pr-link line after it.
    tool_result("2026-12-06T21:24:58.000Z", R"("https://github.com/acme/widget/pull/7")",
                R"({"pr":{"number":7,"url":"https://github.com/acme/widget/pull/7",)"
                R"("action":"created"}})"),
    R"({"type":"pr-link","sessionId":"b67906ca","prNumber":7,)"
    R"("prUrl":"https://github.com/acme/widget/pull/7","prRepository":"acme/widget",)"
    R"("timestamp":"2026-12-06T21:24:58.100Z"})",
    // What is not what it claims is dropped: a SHA in capitals, a branch with an escape.
    tool_result("2026-12-06T21:25:00.000Z", R"("x")",
                R"({"commit":{"sha":"ABCDEF1","kind":"committed","branch":"main"}})"),
    tool_result("2026-12-06T21:25:01.000Z", R"("[x 1234567] y")",
                R"({"commit":{"sha":"1234567","kind":"committed","branch":"ma\u001b[2Jin"}})"),
};

std::string joined() {
  std::string text;
  for (const std::string& l : kLines) {
    text += l + "\n";
  }
  return text;
}

TEST(ClaudeGitMarksTest, OwnRecordsOfCommitsAndPullRequestsOnceEach) {
  const SessionFacts f = facts_of(joined());
  ASSERT_EQ(f.git_marks.size(), 4U) << describe(f);
  EXPECT_EQ(f.git_marks[0], (GitMark{"commit", 1796592279677, "/w/widget", "main", "6769d15",
                                     "Add greet() helper", ""}));
  EXPECT_EQ(f.git_marks[1], (GitMark{"amend", 1796592295000, "/w/widget", "feat/parse-config",
                                     "3e9dc88", "Handle empty config", ""}));
  EXPECT_EQ(f.git_marks[2], (GitMark{"pr-create", 1796592298000, "/w/widget", "", "", "",
                                     "https://github.com/acme/widget/pull/7"}));
  // The last: a commit whose branch was dropped, its branch then from the header.
  EXPECT_EQ(f.git_marks[3].short_sha, "1234567");
  EXPECT_EQ(f.git_marks[3].branch, "x");
  EXPECT_EQ(f.git_marks_more, 0);
}

TEST(ClaudeGitMarksTest, ResumeAtEveryLineGivesTheSameMarks) {
  auto adapter = make_claude_adapter();
  const SourceFile file{adapter->agent(), kPath, base_name(kPath), false, std::nullopt};
  const std::string text = joined();
  const ParseOutput once = test::parse_text(*adapter, file, text);
  ASSERT_EQ(once.sessions.size(), 1u);
  for (size_t split = 0; split <= kLines.size(); ++split) {
    const ParseOutput twice = test::parse_in_two_runs(*adapter, file, text, split);
    ASSERT_EQ(twice.sessions.size(), 1u) << split;
    EXPECT_EQ(describe(twice.sessions[0]), describe(once.sessions[0])) << "split " << split;
  }
}

// The genuine session that made 6769d15 and 8dcfd5c (ground_truth.json), when ../shared is
// there: exactly those two commits, with their subjects; none of the SHAs its git status
// and assistant prose mention.
TEST(ClaudeGitMarksTest, TheGenuineOutcomeSessionShowsItsTwoCommits) {
  const std::string path = std::string(TALLY_SHARED_DIR) +
                           "/fixtures/outcomes/home/.claude/projects/"
                           "-tmp-realcli-outcomes-repos-widget/"
                           "b67906ca-8bd4-4f1f-a061-58f630d73919.jsonl";
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << "no " << path;
  }
  const SessionFacts f = facts_of(test::read_file(path), path);
  std::vector<std::string> got;
  for (const GitMark& m : f.git_marks) {
    got.push_back(fmt::format("{} {} {} {} {}", m.action, m.branch, m.short_sha, m.subject, m.dir));
  }
  EXPECT_EQ(got,
            (std::vector<std::string>{
                "commit main 6769d15 Add greet() helper /tmp/realcli/outcomes/repos/widget",
                "commit main 8dcfd5c Add test for greet() /tmp/realcli/outcomes/repos/widget"}));
}

// Codex's CommandExecution items: the commit its own thread's command made; not one replayed
// from a parent thread (a fork), nor one whose command failed. The genuine outcome session
// too, when ../shared is there.
std::string codex_command(std::string_view thread, std::string_view script, std::string_view output,
                          int exit_code) {
  return fmt::format(
      R"({{"timestamp":"2026-12-06T21:25:27.810Z","type":"event_msg","payload":{{)"
      R"("type":"item_completed","thread_id":"{0}","turn_id":"t","item":{{)"
      R"("type":"CommandExecution","id":"call_1","command":["/bin/bash","-lc","{1}"],)"
      R"("cwd":"file:///tmp/realcli/outcomes/repos/gadget","status":"completed",)"
      R"("aggregated_output":"{2}","exit_code":{3}}}}}}})",
      thread, script, output, exit_code);
}

TEST(CodexGitMarksTest, ItsOwnThreadsSuccessfulCommitsOnly) {
  const std::string thread = "01a24d3f-5b19-7a83-aa49-fdd23d26f72a";
  const std::string path =
      "/h/.codex/sessions/2026/12/06/rollout-2026-12-06T21-25-27-" + thread + ".jsonl";
  const std::string text =
      fmt::format(R"({{"timestamp":"2026-12-06T21:25:20.000Z","type":"session_meta",)"
                  R"("payload":{{"id":"{}","cwd":"/tmp/realcli/outcomes/repos/gadget"}}}})",
                  thread) +
      "\n" +
      codex_command(thread, "git add -A && git commit -m 'Add Counter class'",
                    "[main 556a5c9] Add Counter class\\n 1 file changed, 7 insertions(+)\\n", 0) +
      "\n" + codex_command("01a24d3f-0000-parent", "git commit -m x", "[main 1111111] x", 0) +
      "\n" + codex_command(thread, "git commit -m y", "[main 2222222] y", 1) + "\n" +
      codex_command(thread, "git log --oneline", "[main 3333333] z", 0) + "\n";
  auto adapter = make_codex_adapter();
  const SourceFile file{adapter->agent(), path, base_name(path), false, std::nullopt};
  const ParseOutput out = test::parse_text(*adapter, file, text);
  ASSERT_EQ(out.sessions.size(), 1U) << ::testing::PrintToString(describe(out.problems));
  const SessionFacts& f = out.sessions.front();
  ASSERT_EQ(f.git_marks.size(), 1U) << describe(f);
  EXPECT_EQ(f.git_marks[0], (GitMark{"commit", 1796592327810, "/tmp/realcli/outcomes/repos/gadget",
                                     "main", "556a5c9", "Add Counter class", ""}));
  // The line is read, not skipped by the prefilter; a command that cannot commit is skipped.
  EXPECT_TRUE(
      adapter->open(file)->wants(codex_command(thread, "git commit -m x", "[main 1111111] x", 0)));
  EXPECT_FALSE(adapter->open(file)->wants(codex_command(thread, "ls", "a b", 0)));
}

// The marks of one genuine outcome session (../shared/fixtures/outcomes/home/`rel`), one
// "action branch sha subject dir" line each; nullopt when the fixture is not there.
std::optional<std::vector<std::string>> genuine_marks(const Adapter& adapter,
                                                      const std::string& rel) {
  const std::string path = std::string(TALLY_SHARED_DIR) + "/fixtures/outcomes/home/" + rel;
  if (!std::filesystem::exists(path)) {
    return std::nullopt;
  }
  const SourceFile file{adapter.agent(), path, base_name(path), false, std::nullopt};
  const ParseOutput out = test::parse_text(adapter, file, test::read_file(path));
  EXPECT_EQ(out.sessions.size(), 1U);
  std::vector<std::string> got;
  for (const SessionFacts& f : out.sessions) {
    for (const GitMark& m : f.git_marks) {
      got.push_back(
          fmt::format("{} {} {} {} {}", m.action, m.branch, m.short_sha, m.subject, m.dir));
    }
  }
  return got;
}

TEST(CodexGitMarksTest, TheGenuineOutcomeSessionShowsItsCommit) {
  auto got = genuine_marks(*make_codex_adapter(),
                           ".codex/sessions/2026/12/06/"
                           "rollout-2026-12-06T21-25-27-01a24d3f-5b19-7a83-aa49-fdd23d26f72a.jsonl");
  if (!got) {
    GTEST_SKIP() << "no outcome fixture";
  }
  EXPECT_EQ(*got, (std::vector<std::string>{
                      "commit main 556a5c9 Add Counter class /tmp/realcli/outcomes/repos/gadget"}));
}

// A Gemini CLI 0.61 response line with one run_shell_command call, shaped as the outcome
// fixture's (its `result` wraps the output in context tags; `resultDisplay` is the output).
std::string gemini_shell(std::string_view id, std::string_view command, std::string_view display,
                         std::string_view status, std::string_view args_extra = "") {
  return fmt::format(
      R"({{"id":"{0}","timestamp":"2026-12-06T21:25:37.802Z","type":"gemini","content":"",)"
      R"("thoughts":[],"tokens":{{"input":12367,"output":32,"cached":11264,"thoughts":0,)"
      R"("tool":0,"total":12399}},"model":"gemini-3.8-flash","toolCalls":[{{"id":"call_{0}",)"
      R"("name":"run_shell_command","args":{{"command":"{1}","description":"Run"{4}}},)"
      R"("result":[{{"functionResponse":{{"id":"call_{0}","name":"run_shell_command",)"
      R"("response":{{"output":"<untrusted_context>\nOutput: {2}\n</untrusted_context>"}}}}}}],)"
      R"("status":"{3}","timestamp":"2026-12-06T21:25:37.954Z","resultDisplay":"{2}",)"
      R"("description":"x","displayName":"Shell","renderOutputAsMarkdown":false}}]}})",
      id, command, display, status, args_extra);
}

TEST(GeminiGitMarksTest, SuccessfulShellCommitsOnly) {
  const std::string path = "/h/.gemini/tmp/widget/chats/session-2026-12-06T21-25-88f9a617.jsonl";
  const std::string text =
      R"({"sessionId":"88f9a617","projectHash":"b4","startTime":"2026-12-06T21:25:37.463Z",)"
      R"("lastUpdated":"2026-12-06T21:25:37.463Z","kind":"main"})"
      "\n" +
      gemini_shell("m1", "git add CHANGELOG.md && git commit -m 'Add CHANGELOG'",
                   R"([main 61cfab2] Add CHANGELOG\n 1 file changed, 4 insertions(+))", "success") +
      "\n" +
      // The same response again (a later copy of the message): the mark counts once.
      gemini_shell("m1", "git add CHANGELOG.md && git commit -m 'Add CHANGELOG'",
                   R"([main 61cfab2] Add CHANGELOG)", "success") +
      "\n" +
      // A failed call, and a push whose output shows SHAs: nothing.
      gemini_shell("m2", "git commit -m x", "[main 1111111] x", "error") + "\n" +
      gemini_shell("m3", "git push origin HEAD:main", "   31d25b7..61cfab2  HEAD -> main",
                   "success") +
      "\n" +
      // A commit in another directory, named by the call (absolute, as the root is unknown
      // here: no projects.json beside this path).
      gemini_shell("m4", "git commit -am y", "[dev 2222222] y", "success",
                   R"(,"dir_path":"/w/other")") +
      "\n";
  auto adapter = make_gemini_adapter();
  const SourceFile file{adapter->agent(), path, base_name(path), false, std::nullopt};
  const ParseOutput out = test::parse_text(*adapter, file, text);
  ASSERT_EQ(out.sessions.size(), 1U) << ::testing::PrintToString(describe(out.problems));
  const SessionFacts& f = out.sessions.front();
  ASSERT_EQ(f.git_marks.size(), 2U) << describe(f);
  EXPECT_EQ(f.git_marks[0],
            (GitMark{"commit", 1796592337802, "", "main", "61cfab2", "Add CHANGELOG", ""}));
  EXPECT_EQ(f.git_marks[1], (GitMark{"commit", 1796592337802, "/w/other", "dev", "2222222", "y", ""}));
  // Counted once per response id, whatever the copies.
  EXPECT_EQ(f.shell_calls, 4);
}

TEST(GeminiGitMarksTest, TheGenuineOutcomeSessionShowsItsCommitInItsProjectRoot) {
  auto got = genuine_marks(*make_gemini_adapter(),
                           ".gemini/tmp/widget/chats/session-2026-12-06T21-25-88f9a617.jsonl");
  if (!got) {
    GTEST_SKIP() << "no outcome fixture";
  }
  // The root from ~/.gemini/projects.json; the push's range (31d25b7..61cfab2) is no mark.
  EXPECT_EQ(*got, (std::vector<std::string>{
                      "commit main 61cfab2 Add CHANGELOG /tmp/realcli/outcomes/repos/widget"}));
}

// The collector Codex's and Gemini's shell calls will use: the command decides whether the
// output's headers are commits; cd/-C resolve against the call's directory.
TEST(ShellOutputGitMarksTest, CommitsAndPullRequestsFromACommandAndItsOutput) {
  ToolFacts tools;
  // As Codex's CommandExecution item recorded it in the outcome fixture.
  tools.shell_output("git add -A && git commit -m 'Add Counter class'",
                     "[main 556a5c9] Add Counter class\n 1 file changed, 7 insertions(+)\n",
                     "/tmp/realcli/outcomes/repos/gadget", 1796592327810);
  // Output with SHAs from commands that make no commit: nothing.
  tools.shell_output("git log --oneline -3", "[main 96998fc] looks like a header\n", "/w", 1);
  tools.shell_output("git push origin main", "   95ca61a..556a5c9  main -> main\n", "/w", 2);
  // Two steps, the second in a subdirectory; then gh.
  tools.shell_output("git revert --no-edit HEAD && cd sub && git commit --amend -m x",
                     "[main e36c974] Revert \"Add retry\"\n[main 1c124f1] x\n", "/w", 3);
  tools.shell_output("gh pr create --fill",
                     "Creating pull request for feat/x into main in acme/widget\n\n"
                     "https://github.com/acme/widget/pull/8\n",
                     "/w", 4);
  SessionFacts f;
  tools.fill(f);
  ASSERT_EQ(f.git_marks.size(), 4U) << describe(f);
  EXPECT_EQ(f.git_marks[0], (GitMark{"commit", 1796592327810, "/tmp/realcli/outcomes/repos/gadget",
                                     "main", "556a5c9", "Add Counter class", ""}));
  EXPECT_EQ(f.git_marks[1],
            (GitMark{"revert", 3, "/w", "main", "e36c974", "Revert \"Add retry\"", ""}));
  EXPECT_EQ(f.git_marks[2], (GitMark{"amend", 3, "/w/sub", "main", "1c124f1", "x", ""}));
  EXPECT_EQ(f.git_marks[3],
            (GitMark{"pr-create", 4, "/w", "", "", "", "https://github.com/acme/widget/pull/8"}));
}

}  // namespace
}  // namespace tally::sources
