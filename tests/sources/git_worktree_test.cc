// Git worktrees roll into their repository (sources/git_worktree.h): on real repositories
// and worktrees that `git` makes in a temporary directory (skipped, loudly, without git).

#include "sources/git_worktree.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace tally::sources {
namespace {

namespace fs = std::filesystem;

bool run(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0; }

TEST(GitWorktreeTest, LinkedWorktreesAndTheirSubdirectoriesMapToTheRepository) {
  if (!run("git --version")) {
    GTEST_SKIP() << "SKIPPED: no git on PATH; worktrees were NOT checked";
  }
  const fs::path dir = fs::temp_directory_path() / fmt::format("tally-worktree-{}", ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir / "repo");
  const std::string repo = (dir / "repo").string();
  const std::string git = fmt::format("git -C '{}' -c user.name=t -c user.email=t@t ", repo);
  ASSERT_TRUE(run(git + "init -q"));
  std::ofstream(dir / "repo/a.txt") << "a\n";
  ASSERT_TRUE(run(git + "add a.txt") && run(git + "commit -qm one"));
  ASSERT_TRUE(run(git + "worktree add -q .worktrees/wt4"));
  ASSERT_TRUE(run(git + fmt::format("worktree add -q '{}/elsewhere'", dir.string())));
  fs::create_directories(dir / "repo/.worktrees/wt4/src/deep");
  fs::create_directories(dir / "repo/src");

  EXPECT_EQ(worktree_repository(repo + "/.worktrees/wt4"), repo);
  EXPECT_EQ(worktree_repository(repo + "/.worktrees/wt4/src/deep"), repo);
  EXPECT_EQ(worktree_repository(dir.string() + "/elsewhere"), repo);  // outside the repo
  // The main worktree, its subdirectories and non-repositories stay their own projects.
  EXPECT_EQ(worktree_repository(repo), std::nullopt);
  EXPECT_EQ(worktree_repository(repo + "/src"), std::nullopt);
  EXPECT_EQ(worktree_repository(dir.string()), std::nullopt);
  EXPECT_EQ(worktree_repository(dir.string() + "/gone/away"), std::nullopt);
  EXPECT_EQ(worktree_repository("relative/path"), std::nullopt);
  EXPECT_EQ(worktree_repository(""), std::nullopt);

  // A submodule's .git file points into the superproject's modules/: no worktree.
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "sub/.git") << "gitdir: ../repo/.git/modules/sub\n";
  EXPECT_EQ(worktree_repository(dir.string() + "/sub"), std::nullopt);
  // A hostile .git file (huge, or a directory named in it) is no worktree either.
  fs::create_directories(dir / "big");
  std::ofstream(dir / "big/.git") << std::string(10000, 'x');
  EXPECT_EQ(worktree_repository(dir.string() + "/big"), std::nullopt);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tally::sources
