// walk_files: the files it reports, and their order, are those of a plain depth-first walk in
// directory order, however the root's subdirectories are shared between threads.

#include "sources/fs_walk.h"

#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

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
    } else if (e->d_type == DT_REG && name.size() > 6 &&
               name.substr(name.size() - 6) == ".jsonl") {
      out.push_back(path);
    }
  }
  closedir(d);
}

std::vector<std::string> walked(const std::string& root, int max_depth) {
  std::vector<std::string> out;
  walk_files(root, max_depth, {".jsonl"}, [&](const std::string& p) { out.push_back(p); });
  return out;
}

TEST(FsWalkTest, ManySubdirectoriesGiveTheDepthFirstOrder) {
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
    const std::vector<std::string> got = walked(root, max_depth);
    EXPECT_EQ(got, expected) << "max_depth " << max_depth;
  }
  // At depth 3 the sub-agent files are found and the deeper one is not.
  const std::vector<std::string> got = walked(root, 3);
  EXPECT_EQ(got.size(), 1U + 12U * 5U * 2U);
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

}  // namespace
}  // namespace tally::sources
