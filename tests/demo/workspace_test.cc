#include "demo/workspace.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "sources/git_worktree.h"
#include "sources/session_tools.h"

namespace tally::corpus {
namespace {

namespace fs = std::filesystem;

class WorkspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = fs::temp_directory_path() / fmt::format("tally-workspace-{}", ::getpid());
    fs::remove_all(home_);
    fs::create_directories(home_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(home_, ec);
  }
  fs::path home_;
};

// The demo's worktrees are ones tally's reader rolls into their repository, and its main
// checkouts are projects of their own.
TEST_F(WorkspaceTest, WorktreesOnDiskNameTheirRepositoryToTheReader) {
  const Workspace ws(home_.string());
  ASSERT_TRUE(ws.create());
  int worktrees = 0;
  std::set<std::string> repos;
  for (const Project& p : ws.projects()) {
    const std::string repo = (home_ / "src" / p.repo).string();
    EXPECT_EQ(p.cwd.rfind(repo, 0), 0u) << p.cwd;
    repos.insert(p.repo);
    if (p.worktree.empty()) {
      EXPECT_EQ(sources::worktree_repository(p.cwd), std::nullopt) << p.cwd;
    } else {
      ++worktrees;
      EXPECT_EQ(p.cwd, repo + "/.worktrees/" + p.worktree);
      EXPECT_EQ(sources::worktree_repository(p.cwd), repo) << p.cwd;
    }
  }
  EXPECT_GE(worktrees, 3);
  EXPECT_GE(repos.size(), 5u);
}

TEST_F(WorkspaceTest, ProjectsAreDrawnByWeightAndFoundByTheirCwd) {
  const Workspace ws(home_.string());
  double total = 0;
  for (const Project& p : ws.projects()) {
    total += p.weight;
    EXPECT_EQ(ws.find(p.cwd_json), &p);
    EXPECT_FALSE(p.files.empty());
    EXPECT_FALSE(p.commands.empty());
  }
  EXPECT_NEAR(total, 1.0, 1e-9);
  EXPECT_EQ(ws.find("/nowhere"), nullptr);
  Rng rng(5);
  std::set<std::string> drawn;
  for (int i = 0; i < 500; ++i) {
    drawn.insert(ws.pick(rng).cwd);
  }
  EXPECT_EQ(drawn.size(), ws.projects().size());
}

TEST_F(WorkspaceTest, PatchBodiesNameTheFilesTheyUpdate) {
  const Workspace ws(home_.string());
  Rng rng(9);
  for (int i = 0; i < 50; ++i) {
    const Project& p = ws.pick(rng);
    const Patch patch = make_patch(p, rng);
    ASSERT_FALSE(patch.files.empty());
    EXPECT_LE(patch.files.size(), 3u);
    EXPECT_EQ(patch.body.rfind("*** Begin Patch\\n", 0), 0u) << patch.body;
    EXPECT_NE(patch.body.find("*** End Patch\\n"), std::string::npos) << patch.body;
    // What tally's session view reads from an apply_patch body (still JSON-escaped).
    std::vector<std::string_view> named;
    sources::for_each_patch_file(patch.body, [&](std::string_view f) { named.push_back(f); });
    EXPECT_EQ(named, patch.files) << patch.body;
  }
}

TEST_F(WorkspaceTest, TaskPromptsNameAFileOfTheProject) {
  const Workspace ws(home_.string());
  Rng rng(4);
  for (int i = 0; i < 50; ++i) {
    const Project& p = ws.pick(rng);
    const std::string task = task_prompt(p, rng);
    bool names_file = false;
    for (const std::string_view f : p.files) {
      names_file = names_file || task.find(f) != std::string::npos;
    }
    EXPECT_TRUE(names_file) << task;
    EXPECT_EQ(task.find('"'), std::string::npos) << task;
  }
}

}  // namespace
}  // namespace tally::corpus
