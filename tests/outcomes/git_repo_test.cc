// outcomes/git_repo on real repositories, made with libgit2 itself: a checkout, a worktree of
// it, a directory in neither; commits found by the short SHAs git prints.

#include "outcomes/git_repo.h"

#include <git2.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace tally::outcomes {
namespace {

namespace fs = std::filesystem;

class GitRepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    git_libgit2_init();
    std::string pattern = (fs::temp_directory_path() / "tally-git-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = fs::canonical(pattern);
    ASSERT_EQ(git_repository_init(&repo_, (root_ / "widget").c_str(), 0), 0);
  }
  void TearDown() override {
    git_repository_free(repo_);
    git_libgit2_shutdown();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // Writes `file` with `text` and commits it on HEAD at `when` (seconds), as Dana Developer;
  // returns the new commit's id.
  git_oid commit(const std::string& file, const std::string& text, const std::string& message,
                 git_time_t when) {
    std::ofstream(root_ / "widget" / file) << text;
    git_index* index = nullptr;
    git_oid tree_id{}, commit_id{};
    git_tree* tree = nullptr;
    git_signature* who = nullptr;
    EXPECT_EQ(git_repository_index(&index, repo_), 0);
    EXPECT_EQ(git_index_add_bypath(index, file.c_str()), 0);
    EXPECT_EQ(git_index_write(index), 0);
    EXPECT_EQ(git_index_write_tree(&tree_id, index), 0);
    EXPECT_EQ(git_tree_lookup(&tree, repo_, &tree_id), 0);
    EXPECT_EQ(git_signature_new(&who, "Dana Developer", "dana@example.com", when, 0), 0);
    git_commit* parent = nullptr;
    git_oid head{};
    const bool has_parent = git_reference_name_to_id(&head, repo_, "HEAD") == 0;
    if (has_parent) {
      EXPECT_EQ(git_commit_lookup(&parent, repo_, &head), 0);
    }
    const git_commit* parents[] = {parent};
    EXPECT_EQ(git_commit_create(&commit_id, repo_, "HEAD", who, who, nullptr, message.c_str(), tree,
                                has_parent ? 1 : 0, parents),
              0);
    git_commit_free(parent);
    git_signature_free(who);
    git_tree_free(tree);
    git_index_free(index);
    return commit_id;
  }

  static std::string hex(const git_oid& oid) {
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, &oid);
    return buf;
  }

  fs::path root_;
  git_repository* repo_ = nullptr;
};

TEST_F(GitRepoTest, ACheckoutAndItsWorktreeAreOneRepository) {
  commit("README.md", "# widget\n", "Initial commit", 1'796'000'000);
  fs::create_directories(root_ / "widget" / "src" / "deep");
  git_worktree* wt = nullptr;
  ASSERT_EQ(git_worktree_add(&wt, repo_, "docs", (root_ / "widget-docs").c_str(), nullptr), 0);
  git_worktree_free(wt);

  auto checkout = GitRepo::open_containing((root_ / "widget" / "src" / "deep").string());
  ASSERT_TRUE(checkout) << checkout.error().message;
  ASSERT_TRUE(checkout->has_value());
  EXPECT_EQ((*checkout)->id(), (root_ / "widget" / ".git").string());
  EXPECT_EQ((*checkout)->workdir(), (root_ / "widget").string());

  auto worktree = GitRepo::open_containing((root_ / "widget-docs").string());
  ASSERT_TRUE(worktree) << worktree.error().message;
  ASSERT_TRUE(worktree->has_value());
  EXPECT_EQ((*worktree)->id(), (*checkout)->id()) << "a worktree is its repository";
  EXPECT_EQ((*worktree)->workdir(), (root_ / "widget-docs").string());
}

TEST_F(GitRepoTest, ADirectoryInNoRepositoryIsNone) {
  fs::create_directories(root_ / "plain" / "dir");
  auto none = GitRepo::open_containing((root_ / "plain" / "dir").string());
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(none->has_value());
  auto missing = GitRepo::open_containing((root_ / "gone").string());
  ASSERT_TRUE(missing) << missing.error().message;
  EXPECT_FALSE(missing->has_value()) << "a deleted clone is no repository, not an error";
}

TEST_F(GitRepoTest, FindsTheCommitAShortShaNames) {
  const git_oid first = commit("README.md", "# widget\n", "Initial commit", 1'796'000'000);
  const git_oid second = commit(
      "greet.py", "def greet(n):\n    return n\n",
      "Add greet() helper\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n", 1'796'000'079);
  auto repo = GitRepo::open_containing((root_ / "widget").string());
  ASSERT_TRUE(repo && repo->has_value());
  const std::string sha = hex(second);
  auto found = (*repo)->find_commit(sha.substr(0, 7));
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->sha, sha);
  EXPECT_EQ((*found)->summary, "Add greet() helper");
  EXPECT_EQ((*found)->committer_ms, 1'796'000'079'000);
  EXPECT_EQ((*found)->parents, std::vector<std::string>{hex(first)});
  auto root = (*repo)->find_commit(hex(first));
  ASSERT_TRUE(root && root->has_value());
  EXPECT_TRUE((*root)->parents.empty());

  // A SHA no object has (its first digit changed) is none; text that is no SHA an error.
  std::string other = sha.substr(0, 12);
  other[0] = other[0] == 'a' ? 'b' : 'a';
  auto absent = (*repo)->find_commit(other);
  ASSERT_TRUE(absent) << absent.error().message;
  EXPECT_FALSE(absent->has_value());
  EXPECT_FALSE((*repo)->find_commit("xyz1234"));
  EXPECT_FALSE((*repo)->find_commit("ab1"));
}

}  // namespace
}  // namespace tally::outcomes
