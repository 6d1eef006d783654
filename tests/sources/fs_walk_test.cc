// walk_files: the files it reports are those of a plain depth-first walk, in path order,
// however the directories are shared between threads, and each comes with its own stat.

#include "sources/fs_walk.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "support/permissions.h"
#include "test_support.h"

namespace tally::sources {
namespace {

// The reference: a one-thread depth-first walk, written independently of fs_walk.cc.
void reference_walk(const std::string& dir, int depth, int max_depth,
                    std::vector<std::string>& out) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    return;
  }
  while (const dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") {
      continue;
    }
    const std::string path = dir + "/" + name;
    if (e->d_type == DT_DIR) {
      if (depth + 1 <= max_depth) {
        reference_walk(path, depth + 1, max_depth, out);
      }
    } else if (e->d_type == DT_REG && name.size() > 6 && name.substr(name.size() - 6) == ".jsonl") {
      out.push_back(path);
    }
  }
  closedir(d);
}

std::vector<std::string> walked(const std::string& root, int max_depth) {
  std::vector<std::string> out;
  walk_files(root, max_depth, {".jsonl"},
             [&](const std::string& p, const FileStat&) { out.push_back(p); });
  return out;
}

TEST(FsWalkTest, ManySubdirectoriesGiveEveryFileInPathOrder) {
  test::TempDir tmp;
  const std::string root = tmp.path() + "/projects";
  // Files at the root between directories, nested sub-agent folders, other suffixes.
  test::write_file(root + "/top.jsonl", "{}\n");
  test::write_file(root + "/notes.txt", "x\n");
  for (int p = 0; p < 12; ++p) {
    const std::string proj = fmt::format("{}/proj-{}", root, p);
    for (int s = 0; s < 5; ++s) {
      test::write_file(fmt::format("{}/s{}.jsonl", proj, s), "{}\n");
      test::write_file(fmt::format("{}/s{}/subagents/agent-{}.jsonl", proj, s, s), "{}\n");
    }
    test::write_file(proj + "/s0/subagents/deep/deeper/too-deep.jsonl", "{}\n");
  }
  for (int max_depth : {0, 1, 3, 4}) {
    std::vector<std::string> expected;
    reference_walk(root, 0, max_depth, expected);
    std::sort(expected.begin(), expected.end());
    const std::vector<std::string> got = walked(root, max_depth);
    EXPECT_EQ(got, expected) << "max_depth " << max_depth;
  }
  // At depth 3 the sub-agent files are found and the deeper one is not.
  const std::vector<std::string> got = walked(root, 3);
  EXPECT_EQ(got.size(), 1U + 12U * 5U * 2U);
}

// Codex's shape: one directory per year at the top, the files four levels down. The two
// threads share the walk below the top; repeated, so a race in the hand-over would show.
TEST(FsWalkTest, ANarrowTopAndDeepFilesGiveEveryFile) {
  test::TempDir tmp;
  const std::string root = tmp.path() + "/sessions";
  for (int month = 10; month <= 11; ++month) {
    for (int day = 1; day <= 20; ++day) {
      for (int f = 0; f < 3; ++f) {
        test::write_file(
            fmt::format("{}/2026/{}/{:02}/rollout-{}-{}-{}.jsonl", root, month, day, month, day, f),
            "{}\n");
      }
    }
  }
  std::vector<std::string> expected;
  reference_walk(root, 0, 4, expected);
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(expected.size(), 2U * 20U * 3U);
  for (int round = 0; round < 20; ++round) {
    EXPECT_EQ(walked(root, 4), expected) << "round " << round;
  }
}

TEST(FsWalkTest, MissingRootAndTrailingSlash) {
  test::TempDir tmp;
  EXPECT_TRUE(walked(tmp.path() + "/absent", 4).empty());
  test::write_file(tmp.path() + "/a/x.jsonl", "{}\n");
  test::write_file(tmp.path() + "/b/y.jsonl", "{}\n");
  std::vector<std::string> got = walked(tmp.path() + "/", 4);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{tmp.path() + "/a/x.jsonl", tmp.path() + "/b/y.jsonl"}));
}

// The stat each file comes with is the one stat(2) gives for its path, through symlinked
// files and directories too, so ingest can trust it to tell an unchanged file.
TEST(FsWalkTest, EachFileComesWithItsStat) {
  test::TempDir tmp;
  const std::string root = tmp.path() + "/projects";
  test::write_file(root + "/top.jsonl", std::string(10, 'x'));
  for (int p = 0; p < 4; ++p) {
    for (int s = 0; s < 3; ++s) {
      test::write_file(fmt::format("{}/proj-{}/s{}.jsonl", root, p, s),
                       std::string(static_cast<size_t>(100 * p + s), 'y'));
    }
  }
  test::write_file(tmp.path() + "/elsewhere/real.jsonl", std::string(777, 'z'));
  test::write_file(tmp.path() + "/elsewhere-dir/inner.jsonl", std::string(55, 'w'));
  ASSERT_EQ(symlink((tmp.path() + "/elsewhere/real.jsonl").c_str(),
                    (root + "/proj-1/linked.jsonl").c_str()),
            0);
  ASSERT_EQ(symlink((tmp.path() + "/elsewhere-dir").c_str(), (root + "/linked-dir").c_str()), 0);
  size_t seen = 0;
  bool saw_linked_file = false;
  bool saw_linked_dir = false;
  walk_files(root, 4, {".jsonl"}, [&](const std::string& path, const FileStat& got) {
    ++seen;
    saw_linked_file |= path.ends_with("/linked.jsonl");
    saw_linked_dir |= path.ends_with("/linked-dir/inner.jsonl");
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0) << path;
    EXPECT_EQ(got.error, 0) << path;
    EXPECT_EQ(got.device, static_cast<std::uint64_t>(st.st_dev)) << path;
    EXPECT_EQ(got.inode, static_cast<std::uint64_t>(st.st_ino)) << path;
    EXPECT_EQ(got.size, static_cast<std::int64_t>(st.st_size)) << path;
    EXPECT_EQ(got.mtime_ns,
              static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec)
        << path;
  });
  EXPECT_EQ(seen, 1U + 4U * 3U + 2U);
  EXPECT_TRUE(saw_linked_file);
  EXPECT_TRUE(saw_linked_dir);
  // stat_path reports a missing file by errno, not by zeros that look like an empty file.
  EXPECT_EQ(stat_path(root + "/absent.jsonl").error, ENOENT);
  EXPECT_EQ(stat_path(root + "/top.jsonl").size, 10);
}

// chmod for the length of a test: a directory left 0 cannot be removed by its owner.
class ChmodFor {
 public:
  ChmodFor(std::string path, mode_t mode) : path_(std::move(path)) {
    ok_ = ::chmod(path_.c_str(), mode) == 0;
  }
  ~ChmodFor() { ::chmod(path_.c_str(), 0755); }
  ChmodFor(const ChmodFor&) = delete;
  ChmodFor& operator=(const ChmodFor&) = delete;
  bool ok() const { return ok_; }

 private:
  std::string path_;
  bool ok_ = false;
};

std::vector<std::string> described(const std::vector<ParseProblem>& problems) {
  std::vector<std::string> out;
  for (const ParseProblem& p : problems) {
    out.push_back(fmt::format("{}:{}: {}", p.file, p.line, p.what));
  }
  return out;
}

// A directory that cannot be listed may hold logs: its path and errno's text reach the
// walk's WalkProblems, and the rest of the tree is walked as before. As root the test drops
// the capabilities that let root read anything, so it runs (and means something) in CI.
TEST(FsWalkTest, AnUnreadableDirectoryIsReportedWithItsPath) {
  test::TempDir tmp;
  const std::string root = tmp.path() + "/projects";
  test::write_file(root + "/open/a.jsonl", "{}\n");
  test::write_file(root + "/locked/b.jsonl", "{}\n");
  test::write_file(root + "/locked/deeper/c.jsonl", "{}\n");
  test::write_file(root + "/z.jsonl", "{}\n");
  const ChmodFor locked(root + "/locked", 0);
  ASSERT_TRUE(locked.ok());
  const tally::test::ObeyPermissions obey;
  if (DIR* d = opendir((root + "/locked").c_str())) {
    closedir(d);
    GTEST_SKIP() << "a chmod 000 directory is still readable here (capabilities not dropped)";
  }
  std::vector<ParseProblem> problems;
  std::vector<std::string> files;
  {
    const WalkProblems collect(problems);
    walk_files(root, 4, {".jsonl"},
               [&](const std::string& p, const FileStat&) { files.push_back(p); });
  }
  EXPECT_EQ(files, (std::vector<std::string>{root + "/open/a.jsonl", root + "/z.jsonl"}));
  EXPECT_EQ(described(problems),
            (std::vector<std::string>{
                root + "/locked:0: cannot list directory: " + std::strerror(EACCES)}));
  // Without a WalkProblems nothing is collected, and the walk is the same.
  std::vector<std::string> again;
  walk_files(root, 4, {".jsonl"},
             [&](const std::string& p, const FileStat&) { again.push_back(p); });
  EXPECT_EQ(again, files);
  EXPECT_EQ(problems.size(), 1U);
}

// What makes a walk fail for root too: a symlink loop (ELOOP) and a root that is a file
// (ENOTDIR) are reported; what is not there (a missing root, a dangling symlink) is not.
// Scopes nest: the innermost collects, and the outer one again once it is gone.
TEST(FsWalkTest, LinkLoopsAndFileRootsAreReportedMissingPathsAreNot) {
  test::TempDir tmp;
  const std::string root = tmp.path() + "/sessions";
  test::write_file(root + "/2026/a.jsonl", "{}\n");
  ASSERT_EQ(symlink("loop", (root + "/loop").c_str()), 0);
  ASSERT_EQ(symlink("absent-target", (root + "/dangling.jsonl").c_str()), 0);
  test::write_file(tmp.path() + "/plain-file", "x");
  std::vector<ParseProblem> outer;
  std::vector<ParseProblem> inner;
  {
    const WalkProblems collect_outer(outer);
    EXPECT_EQ(walked(root, 4), (std::vector<std::string>{root + "/2026/a.jsonl"}));
    {
      const WalkProblems collect_inner(inner);
      EXPECT_TRUE(walked(tmp.path() + "/plain-file", 4).empty());
      EXPECT_TRUE(walked(tmp.path() + "/absent", 4).empty());
    }
    EXPECT_TRUE(walked(tmp.path() + "/absent/deeper", 4).empty());
  }
  EXPECT_EQ(described(outer),
            (std::vector<std::string>{root + "/loop:0: cannot stat: " + std::strerror(ELOOP)}));
  EXPECT_EQ(described(inner),
            (std::vector<std::string>{
                tmp.path() + "/plain-file:0: cannot list directory: " + std::strerror(ENOTDIR)}));
}

}  // namespace
}  // namespace tally::sources
