#pragma once

// Real repositories for the outcomes tests, made with libgit2 itself: commits with fixed
// signatures and times on any ref, and refs set by hand (a remote's branches without a
// remote). Each test gets a fresh directory, removed afterwards.

#include <git2.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace tally::outcomes::test {

class RepoBuilder {
 public:
  // The repository at `dir` (a checkout or a worktree), or a new one made there.
  explicit RepoBuilder(const std::filesystem::path& dir) : dir_(dir) {
    git_libgit2_init();
    std::filesystem::create_directories(dir);
    if (git_repository_open(&repo_, dir.c_str()) != 0) {
      EXPECT_EQ(git_repository_init(&repo_, dir.c_str(), 0), 0);
    }
  }
  ~RepoBuilder() {
    git_repository_free(repo_);
    git_libgit2_shutdown();
  }
  RepoBuilder(const RepoBuilder&) = delete;
  RepoBuilder& operator=(const RepoBuilder&) = delete;

  // Writes each (file, text) and commits them at `when` (seconds) as Dana Developer, with
  // `parents` (full ids; {} for HEAD's commit, if any), moving `ref` ("" moves nothing).
  // Returns the new commit's id.
  std::string commit(const std::vector<std::pair<std::string, std::string>>& files,
                     const std::string& message, git_time_t when,
                     std::vector<std::string> parents = {}, const std::string& ref = "HEAD") {
    git_index* index = nullptr;
    EXPECT_EQ(git_repository_index(&index, repo_), 0);
    for (const auto& [file, text] : files) {
      const std::filesystem::path path = dir_ / file;
      std::filesystem::create_directories(path.parent_path());
      std::ofstream(path) << text;
      EXPECT_EQ(git_index_add_bypath(index, file.c_str()), 0);
    }
    EXPECT_EQ(git_index_write(index), 0);
    git_oid tree_id{};
    EXPECT_EQ(git_index_write_tree(&tree_id, index), 0);
    git_index_free(index);
    git_tree* tree = nullptr;
    EXPECT_EQ(git_tree_lookup(&tree, repo_, &tree_id), 0);
    git_signature* who = nullptr;
    EXPECT_EQ(git_signature_new(&who, "Dana Developer", "dana@example.com", when, 0), 0);
    if (parents.empty()) {
      git_oid head{};
      if (git_reference_name_to_id(&head, repo_, "HEAD") == 0) {
        parents.push_back(hex(head));
      }
    }
    std::vector<git_commit*> parent_commits;
    for (const std::string& p : parents) {
      git_oid id{};
      EXPECT_EQ(git_oid_fromstr(&id, p.c_str()), 0);
      git_commit* c = nullptr;
      EXPECT_EQ(git_commit_lookup(&c, repo_, &id), 0);
      parent_commits.push_back(c);
    }
    std::vector<const git_commit*> const_parents(parent_commits.begin(), parent_commits.end());
    git_oid commit_id{};
    EXPECT_EQ(git_commit_create(&commit_id, repo_, ref.empty() ? nullptr : ref.c_str(), who, who,
                                nullptr, message.c_str(), tree, const_parents.size(),
                                const_parents.data()),
              0);
    for (git_commit* c : parent_commits) {
      git_commit_free(c);
    }
    git_signature_free(who);
    git_tree_free(tree);
    return hex(commit_id);
  }

  // Makes the index commit `sha`'s tree, so that the next commit() adds to that tree (a
  // branch started there) rather than to the last commit's.
  void index_at(const std::string& sha) {
    git_oid id{};
    EXPECT_EQ(git_oid_fromstr(&id, sha.c_str()), 0);
    git_commit* c = nullptr;
    EXPECT_EQ(git_commit_lookup(&c, repo_, &id), 0);
    git_tree* tree = nullptr;
    EXPECT_EQ(git_commit_tree(&tree, c), 0);
    git_index* index = nullptr;
    EXPECT_EQ(git_repository_index(&index, repo_), 0);
    EXPECT_EQ(git_index_read_tree(index, tree), 0);
    EXPECT_EQ(git_index_write(index), 0);
    git_index_free(index);
    git_tree_free(tree);
    git_commit_free(c);
  }

  // Points `name` (e.g. refs/remotes/origin/main) at commit `sha`.
  void set_ref(const std::string& name, const std::string& sha) {
    git_oid id{};
    EXPECT_EQ(git_oid_fromstr(&id, sha.c_str()), 0);
    git_reference* ref = nullptr;
    EXPECT_EQ(git_reference_create(&ref, repo_, name.c_str(), &id, 1, nullptr), 0);
    git_reference_free(ref);
  }

  static std::string hex(const git_oid& oid) {
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, &oid);
    return buf;
  }

 private:
  std::filesystem::path dir_;
  git_repository* repo_ = nullptr;
};

// A fresh directory under $TMPDIR (its real path), removed with everything in it.
class TempRoot {
 public:
  TempRoot() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tally-out-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) {
      path_ = std::filesystem::canonical(pattern);
    }
  }
  ~TempRoot() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempRoot(const TempRoot&) = delete;
  TempRoot& operator=(const TempRoot&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace tally::outcomes::test
