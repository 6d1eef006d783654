// sources/git_output: the commands that make commits and the lines git prints for them. The
// commands and outputs below are the shapes the three CLIs logged in the outcome fixtures
// (../shared/fixtures/outcomes: Claude's Bash tool, Codex's exec_command, Gemini's
// run_shell_command), and the traps around them.

#include "sources/git_output.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tally::sources {
namespace {

std::vector<GitStep> steps(std::string_view command) { return classify_git_command(command); }

TEST(GitCommandTest, ClaudesHeredocCommitIsOneCommitStep) {
  // As Claude Code writes it: the message in a quoted heredoc, over several lines.
  const std::string command =
      "git add -A && git commit -m \"$(cat <<'EOF'\nAdd greet() helper\n\ngreet(name) returns a "
      "friendly greeting string.\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nEOF\n)\"";
  EXPECT_EQ(steps(command), (std::vector<GitStep>{{GitAction::commit, ""}}));
}

TEST(GitCommandTest, EachKindOfStepInTheOrderItRuns) {
  EXPECT_EQ(steps("git commit --amend --no-edit"), (std::vector<GitStep>{{GitAction::amend, ""}}));
  EXPECT_EQ(steps("git revert --no-edit HEAD; git cherry-pick abc1234 || git merge --no-ff x"),
            (std::vector<GitStep>{
                {GitAction::revert, ""}, {GitAction::cherry_pick, ""}, {GitAction::merge, ""}}));
  EXPECT_EQ(steps("git am < 0001.patch"), (std::vector<GitStep>{{GitAction::am, ""}}));
  EXPECT_EQ(steps("git push -u origin feat/x && gh pr create --title 'Parse config' --body x"),
            (std::vector<GitStep>{{GitAction::pr_create, ""}}));
}

TEST(GitCommandTest, DirectoriesFromCdAndDashC) {
  EXPECT_EQ(steps("cd /tmp/realcli/outcomes/repos/gadget && git add -A && git commit -m 'x'"),
            (std::vector<GitStep>{{GitAction::commit, "/tmp/realcli/outcomes/repos/gadget"}}));
  EXPECT_EQ(steps("git -C ../widget -c user.name=x commit -m y"),
            (std::vector<GitStep>{{GitAction::commit, "../widget"}}));
  EXPECT_EQ(steps("cd /w && git -C sub commit -m y"),
            (std::vector<GitStep>{{GitAction::commit, "/w/sub"}}));
  EXPECT_EQ(steps("cd /w\ngit -C /abs commit -m y"),
            (std::vector<GitStep>{{GitAction::commit, "/abs"}}));
}

TEST(GitCommandTest, PrefixesAndFullPathsStillRunGit) {
  EXPECT_EQ(steps("GIT_AUTHOR_DATE=now env time /usr/bin/git --no-pager commit -qm x"),
            (std::vector<GitStep>{{GitAction::commit, ""}}));
}

TEST(GitCommandTest, WhatOnlyMentionsACommitIsNoStep) {
  for (const char* command :
       {"echo git commit -m x", "git log --oneline -6", "git status && git log --oneline -6",
        "git push origin main", "grep -r 'git commit' docs", "make release",
        "git commit-tree HEAD^{tree}", "gh pr view 7", "git", "", "cd", "'git commit"}) {
    EXPECT_EQ(steps(command), std::vector<GitStep>{}) << command;
  }
}

TEST(CommitHeaderTest, TheLinesGitPrintsForANewCommit) {
  EXPECT_EQ(parse_commit_headers("[main 6769d15] Add greet() helper\n 1 file changed, 4 "
                                 "insertions(+)"),
            (std::vector<CommitHeader>{{"main", "6769d15", "Add greet() helper", false}}));
  EXPECT_EQ(
      parse_commit_headers("[feat/parse-config 3b9cf7a] Parse config files\r\n"),
      (std::vector<CommitHeader>{{"feat/parse-config", "3b9cf7a", "Parse config files", false}}));
  EXPECT_EQ(parse_commit_headers("[main (root-commit) 95ca61a] Initial commit\n"),
            (std::vector<CommitHeader>{{"main", "95ca61a", "Initial commit", true}}));
  EXPECT_EQ(parse_commit_headers("[detached HEAD 1c124f1] Try a retry loop"),
            (std::vector<CommitHeader>{{"detached HEAD", "1c124f1", "Try a retry loop", false}}));
}

TEST(CommitHeaderTest, HookOutputBeforeTheHeaderAndSeveralCommits) {
  const std::string out =
      "lint ok\n[main e36c974] Revert \"Add retry\"\n 1 file changed\n"
      "[main 4eebaa1] Second\n";
  const std::vector<CommitHeader> got = parse_commit_headers(out);
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(got[0].short_sha, "e36c974");
  EXPECT_EQ(got[0].subject, "Revert \"Add retry\"");
  EXPECT_EQ(got[1].short_sha, "4eebaa1");
}

TEST(CommitHeaderTest, LinesThatOnlyLookLikeHeadersAreNot) {
  for (const char* text : {"Committed: [main 6769d15] Add greet() helper",  // quoted inside prose
                           "[main 6769d1] too short", "[main 6769D15] upper case", "[main] no sha",
                           "[6769d15] no branch", "[two words 6769d15] x", "[main 6769d15 x",
                           "   b5c7549..8dcfd5c  main -> main",
                           "5b8578c Merge branch 'feat/parse-config'", "[main\t6769d15] tab"}) {
    EXPECT_EQ(parse_commit_headers(text), std::vector<CommitHeader>{}) << text;
  }
}

TEST(CommitHeaderTest, ALongSubjectIsCutAtACharacterBoundary) {
  std::string subject(kMaxSubjectBytes - 1, 'x');
  subject += "\xC3\xA9 and more";  // é straddles the limit
  const std::vector<CommitHeader> got = parse_commit_headers("[main 6769d15] " + subject);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].subject, std::string(kMaxSubjectBytes - 1, 'x'));
}

TEST(PullRequestLinkTest, GhPrCreateOutput) {
  const std::string out =
      "Creating pull request for feat/parse-config into main in acme/widget\n\n"
      "https://github.com/acme/widget/pull/7\n";
  EXPECT_EQ(
      parse_pull_request_links(out),
      (std::vector<PullRequestLink>{{"https://github.com/acme/widget/pull/7", "acme/widget", 7}}));
}

TEST(PullRequestLinkTest, OnlyWholePullUrlsEachOnce) {
  const std::string out =
      "https://github.com/acme/widget/pull/7 https://github.com/acme/widget/pull/7\n"
      "https://github.com/acme/widget/issues/3 https://github.com/acme/widget/pull/\n"
      "https://github.com/acme/widget/pull/8x https://ghe.corp/a-b/c.d/pull/12.";
  EXPECT_EQ(
      parse_pull_request_links(out),
      (std::vector<PullRequestLink>{{"https://github.com/acme/widget/pull/7", "acme/widget", 7},
                                    {"https://ghe.corp/a-b/c.d/pull/12", "a-b/c.d", 12}}));
}

}  // namespace
}  // namespace tally::sources
