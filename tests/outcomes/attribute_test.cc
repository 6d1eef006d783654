// outcomes/attribute (issue 18, the exact tier) on real repositories made with libgit2: one
// test per rule of attribute.h. Marks are shaped as the adapters make them from the genuine
// outcome sessions (core/session_facts.h GitMark).

#include "outcomes/attribute.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "repo_builder.h"

namespace tally::outcomes {
namespace {

using test::RepoBuilder;
using test::TempRoot;

constexpr git_time_t kT0 = 1'796'592'270;  // 2026-12-06 21:24:30 UTC, as in the fixture

SessionFacts session(const std::string& id, std::vector<GitMark> marks,
                     const std::string& parent = "") {
  SessionFacts f;
  f.agent = Agent::claude;
  f.session_id = id;
  f.parent_session_id = parent;
  f.git_marks = std::move(marks);
  return f;
}

// A mark as git printed it: the line logged `after_s` seconds after the commit time.
GitMark mark(const std::string& action, const std::string& dir, const std::string& sha,
             const std::string& subject, git_time_t when, int after_s = 1,
             const std::string& branch = "main") {
  return GitMark{action, (static_cast<TimeMs>(when) + after_s) * 1000, dir, branch,
                 sha.substr(0, 7), subject, ""};
}

std::vector<std::string> kinds(const Attribution& a) {
  std::vector<std::string> out;
  for (const OutcomeWarning& w : a.warnings) {
    out.push_back(w.kind);
  }
  return out;
}

class AttributeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = root_.path() / "widget";
    builder_ = std::make_unique<RepoBuilder>(repo_);
    base_ = builder_->commit({{"README.md", "# widget\n"}}, "Initial commit", kT0);
  }

  TempRoot root_;
  std::filesystem::path repo_;
  std::unique_ptr<RepoBuilder> builder_;
  std::string base_;
};

TEST_F(AttributeTest, AMarkIsItsCommitWithLinesClassesAndMergedState) {
  const std::string greet = builder_->commit(
      {{"widget.py", "def greet(n):\n    return n\n"}, {"tests/test_greet.py", "a\nb\nc\n"}},
      "Add greet() helper", kT0 + 9);
  const std::string later = builder_->commit({{"AGENTS.md", "be brief\n"}}, "Notes", kT0 + 20);
  builder_->set_ref("refs/remotes/origin/main", greet);
  // Run in a subdirectory of the checkout; a sub-agent's mark counts for its parent.
  std::filesystem::create_directories(repo_ / "src");
  const Attribution a = attribute(
      {session("s1", {mark("commit", (repo_ / "src").string(), greet, "Add greet() helper",
                           kT0 + 9)}),
       session("s1-sub", {mark("commit", repo_.string(), later, "Notes", kT0 + 20)}, "s1")},
      {});
  EXPECT_TRUE(a.warnings.empty()) << a.warnings.front().detail;
  ASSERT_EQ(a.sessions.size(), 1U);
  EXPECT_EQ(a.sessions[0].session_id, "s1");
  ASSERT_EQ(a.sessions[0].commits.size(), 2U);
  const CommitOutcome& c = a.sessions[0].commits[0];
  EXPECT_EQ(c.sha, greet);
  EXPECT_EQ(c.subject, "Add greet() helper");
  EXPECT_EQ(c.repository, (repo_ / ".git").string());
  EXPECT_EQ(c.lines_added, 5);
  EXPECT_EQ(c.lines_removed, 0);
  EXPECT_EQ(c.files, 2);
  EXPECT_EQ(c.class_lines.test, 3);
  EXPECT_EQ(c.state, CommitState::merged);
  EXPECT_TRUE(c.counted());
  // Committed after origin/main's tip: not merged. Its lines went to agent instructions.
  EXPECT_EQ(a.sessions[0].commits[1].state, CommitState::unmerged);
  EXPECT_EQ(a.sessions[0].commits[1].class_lines.instructions, 1);
}

TEST_F(AttributeTest, ASubjectOrTimeThatDoesNotMatchIsAWarningNotACommit) {
  const std::string c = builder_->commit({{"a.txt", "a\n"}}, "Add a", kT0 + 9);
  builder_->set_ref("refs/remotes/origin/main", c);
  const Attribution a =
      attribute({session("s1", {mark("commit", repo_.string(), c, "Add b", kT0 + 9),
                                mark("commit", repo_.string(), c, "Add a", kT0 + 9, 2 * 3600)})},
                {});
  ASSERT_EQ(a.sessions.size(), 1U);
  EXPECT_TRUE(a.sessions[0].commits.empty());
  EXPECT_EQ(a.sessions[0].unchecked, 2);
  EXPECT_EQ(kinds(a), (std::vector<std::string>{"sha_mismatch", "sha_mismatch"}));
}

TEST_F(AttributeTest, AMissingRepositoryOrUnknownShaIsAWarning) {
  const Attribution a = attribute(
      {session("s1", {mark("commit", (root_.path() / "gone").string(), base_, "x", kT0),
                      mark("commit", repo_.string(), "abcdef1234", "Lost", kT0),
                      mark("commit", "", base_, "Initial commit", kT0)})},
      {});
  EXPECT_EQ(kinds(a),
            (std::vector<std::string>{"repository_missing", "no_directory", "sha_unresolved"}));
  EXPECT_EQ(a.sessions[0].unchecked, 3);
  EXPECT_TRUE(a.sessions[0].commits.empty());
}

TEST_F(AttributeTest, ThePathMapFindsAMovedClone) {
  const std::string c = builder_->commit({{"a.txt", "a\n"}}, "Add a", kT0 + 9);
  const Attribution a =
      attribute({session("s1", {mark("commit", "/tmp/realcli/outcomes/repos/widget/src", c,
                                     "Add a", kT0 + 9)})},
                AttributeOptions{{{"/tmp/realcli/outcomes/repos", root_.path().string()}}});
  ASSERT_EQ(a.sessions[0].commits.size(), 1U);
  EXPECT_EQ(a.sessions[0].commits[0].sha, c);
  EXPECT_EQ(map_path("/a/bc", {{"/a/b", "/x"}}), "/a/bc") << "whole path components only";
  EXPECT_EQ(map_path("/a/b/c", {{"/a/b", "/x"}}), "/x/c");
}

TEST_F(AttributeTest, AnAmendReplacesTheSessionsEarlierCommitAndExplainsAGoneOne) {
  const std::string first = builder_->commit({{"a.txt", "a\n"}}, "Add a", kT0 + 5);
  // git commit --amend: a new commit on the same parent, the branch moved to it.
  const std::string amended =
      builder_->commit({{"a.txt", "a\nb\n"}}, "Add a and b", kT0 + 8, {base_}, "");
  builder_->set_ref("refs/heads/main", amended);
  builder_->set_ref("refs/remotes/origin/main", amended);
  const Attribution a = attribute(
      {session("s1", {mark("commit", repo_.string(), first, "Add a", kT0 + 5),
                      // a commit since amended away and gone (gc): explained, no warning
                      mark("commit", repo_.string(), "4502a91000", "Draft", kT0 + 6),
                      mark("amend", repo_.string(), amended, "Add a and b", kT0 + 8)})},
      {});
  EXPECT_TRUE(a.warnings.empty()) << a.warnings.front().detail;
  ASSERT_EQ(a.sessions[0].commits.size(), 2U);
  EXPECT_EQ(a.sessions[0].commits[0].state, CommitState::amended);
  EXPECT_FALSE(a.sessions[0].commits[0].counted());
  EXPECT_EQ(a.sessions[0].commits[1].state, CommitState::merged);
  EXPECT_EQ(a.sessions[0].unchecked, 0);
}

TEST_F(AttributeTest, ACommitBelongsToTheSessionWhoseMarkIsEarliest) {
  const std::string c = builder_->commit({{"a.txt", "a\n"}}, "Add a", kT0 + 9);
  builder_->set_ref("refs/remotes/origin/main", c);
  // s2 is a copy of s1's log read later (a fork): its mark of the same commit is later.
  const Attribution a =
      attribute({session("s2", {mark("commit", repo_.string(), c, "Add a", kT0 + 9, 30)}),
                 session("s1", {mark("commit", repo_.string(), c, "Add a", kT0 + 9, 1)})},
                {});
  ASSERT_EQ(a.sessions.size(), 2U);
  EXPECT_TRUE(a.sessions[0].commits.empty());
  ASSERT_EQ(a.sessions[1].commits.size(), 1U);
  EXPECT_EQ(kinds(a), (std::vector<std::string>{"claimed_twice"}));
}

TEST_F(AttributeTest, NoDefaultBranchMeansMergedIsUnknownNotFalse) {
  const std::string c = builder_->commit({{"a.txt", "a\n"}}, "Add a", kT0 + 9);
  const std::string r = builder_->commit({{"a.txt", ""}}, "Revert \"Add a\"", kT0 + 12);
  const Attribution a =
      attribute({session("s1", {mark("commit", repo_.string(), c, "Add a", kT0 + 9),
                                mark("revert", repo_.string(), r, "Revert \"Add a\"", kT0 + 12)})},
                {});
  ASSERT_EQ(a.sessions[0].commits.size(), 2U);
  EXPECT_EQ(a.sessions[0].commits[0].state, CommitState::unknown);
  // A revert is listed and not counted (as Claude Code counts commits).
  EXPECT_EQ(a.sessions[0].commits[1].state, CommitState::revert);
  EXPECT_FALSE(a.sessions[0].commits[1].counted());
  EXPECT_EQ(kinds(a), (std::vector<std::string>{"merged_unknown"}));
}

// Squash and rebase merges leave other SHAs on the default branch: the change is found
// there by its patch id, for one commit or for the session's run on its branch.
TEST_F(AttributeTest, SquashAndRebaseMergesLandTheirCommits) {
  // The session's feature branch: two commits from base_.
  const std::string f1 = builder_->commit({{"a.txt", "a\n"}}, "Add a", kT0 + 10, {base_}, "");
  const std::string f2 = builder_->commit({{"b.txt", "b\n"}}, "Add b", kT0 + 20, {f1}, "");
  // Its other branch: one commit from base_, and one never merged.
  builder_->index_at(base_);
  const std::string r1 = builder_->commit({{"c.txt", "c\n"}}, "Add c", kT0 + 30, {base_}, "");
  builder_->index_at(base_);
  const std::string wip = builder_->commit({{"d.txt", "d\n"}}, "WIP", kT0 + 35, {base_}, "");
  // The default branch: the feature squashed into one commit, then c rebased onto it.
  builder_->index_at(f2);
  const std::string squash =
      builder_->commit({{"a.txt", "a\n"}}, "Feature (#8)", kT0 + 100, {base_}, "");
  builder_->index_at(squash);
  const std::string rebased =
      builder_->commit({{"c.txt", "c\n"}}, "Add c", kT0 + 110, {squash}, "");
  builder_->set_ref("refs/remotes/origin/main", rebased);

  const std::string dir = repo_.string();
  const Attribution a = attribute(
      {session("s1", {mark("commit", dir, f1, "Add a", kT0 + 10, 1, "feat"),
                      mark("commit", dir, f2, "Add b", kT0 + 20, 1, "feat"),
                      mark("commit", dir, r1, "Add c", kT0 + 30, 1, "fix"),
                      mark("commit", dir, wip, "WIP", kT0 + 35, 1, "wip")})},
      {});
  EXPECT_TRUE(a.warnings.empty()) << a.warnings.front().detail;
  ASSERT_EQ(a.sessions[0].commits.size(), 4U);
  const std::vector<CommitOutcome>& c = a.sessions[0].commits;
  EXPECT_EQ(c[0].state, CommitState::landed);
  EXPECT_EQ(c[0].landed_as, squash);
  EXPECT_EQ(c[1].state, CommitState::landed);
  EXPECT_EQ(c[1].landed_as, squash);
  EXPECT_EQ(c[2].state, CommitState::landed);
  EXPECT_EQ(c[2].landed_as, rebased);
  EXPECT_TRUE(c[2].merged());
  EXPECT_EQ(c[3].state, CommitState::unmerged);
}

// A session that worked in a worktree and in a second repository: each commit is found in
// its own repository, the worktree's under its checkout's id. A human's commit made between
// the session's two commits, in the same repository, is no one's.
TEST_F(AttributeTest, WorktreesTwoRepositoriesAndAHumanCommitInBetween) {
  builder_->set_ref("refs/heads/docs", base_);
  git_repository* repo = nullptr;
  ASSERT_EQ(git_repository_open(&repo, repo_.c_str()), 0);
  git_worktree* wt = nullptr;
  git_worktree_add_options wt_options = GIT_WORKTREE_ADD_OPTIONS_INIT;
  git_reference* docs = nullptr;
  ASSERT_EQ(git_reference_lookup(&docs, repo, "refs/heads/docs"), 0);
  wt_options.ref = docs;
  const std::filesystem::path worktree = root_.path() / "widget-docs";
  ASSERT_EQ(git_worktree_add(&wt, repo, "docs", worktree.c_str(), &wt_options), 0);
  git_reference_free(docs);
  git_worktree_free(wt);
  git_repository_free(repo);
  // The worktree's commit, made through its own repository handle.
  std::string in_worktree;
  {
    RepoBuilder w(worktree);  // the worktree's own repository handle
    in_worktree = w.commit({{"docs.md", "how\n"}}, "Document usage", kT0 + 10);
  }
  const std::string human = builder_->commit({{"h.txt", "h\n"}}, "Human fix", kT0 + 15);
  const std::string own = builder_->commit({{"o.txt", "o\n"}}, "Own change", kT0 + 20);
  RepoBuilder gadget(root_.path() / "gadget");
  const std::string other = gadget.commit({{"g.txt", "g\n"}}, "Add Counter", kT0 + 25);
  const Attribution a = attribute(
      {session("s1", {mark("commit", worktree.string(), in_worktree, "Document usage", kT0 + 10,
                           1, "docs"),
                      mark("commit", repo_.string(), own, "Own change", kT0 + 20),
                      mark("commit", (root_.path() / "gadget").string(), other, "Add Counter",
                           kT0 + 25)})},
      {});
  ASSERT_EQ(a.sessions.size(), 1U);
  std::vector<std::pair<std::string, std::string>> got;
  for (const CommitOutcome& c : a.sessions[0].commits) {
    got.emplace_back(c.sha, c.repository);
  }
  const std::string widget_id = (repo_ / ".git").string();
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::string>>{
                     {in_worktree, widget_id},
                     {own, widget_id},
                     {other, (root_.path() / "gadget" / ".git").string()}}));
  for (const CommitOutcome& c : a.sessions[0].commits) {
    EXPECT_NE(c.sha, human);
  }
}

TEST_F(AttributeTest, OriginHeadNamesTheDefaultBranch) {
  const std::string c = builder_->commit({{"a.txt", "a\n"}}, "Add a", kT0 + 9);
  builder_->set_ref("refs/remotes/origin/main", base_);
  builder_->set_ref("refs/remotes/origin/trunk", c);
  git_repository* repo = nullptr;
  ASSERT_EQ(git_repository_open(&repo, repo_.c_str()), 0);
  git_reference* head = nullptr;
  ASSERT_EQ(git_reference_symbolic_create(&head, repo, "refs/remotes/origin/HEAD",
                                          "refs/remotes/origin/trunk", 1, nullptr),
            0);
  git_reference_free(head);
  git_repository_free(repo);
  const Attribution a =
      attribute({session("s1", {mark("commit", repo_.string(), c, "Add a", kT0 + 9)})}, {});
  ASSERT_EQ(a.sessions[0].commits.size(), 1U);
  EXPECT_EQ(a.sessions[0].commits[0].state, CommitState::merged);
}

}  // namespace
}  // namespace tally::outcomes
