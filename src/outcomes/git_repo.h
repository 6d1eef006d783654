#pragma once

// A git repository, read through libgit2 (issue 18: what the spend bought). The only place in
// tally that opens repositories; it never writes to one, never fetches and never starts git.
//
// A repository is named by the real path of its common git directory, so that a checkout
// and all of its worktrees are one repository: the key outcomes are stored under.
//
// Thread safety: a GitRepo is used by one thread at a time; different GitRepo objects may be
// used by different threads (libgit2 is initialised once, thread-safely, on first use).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

struct git_repository;
struct git_tree;
struct git_diff;

namespace tally::outcomes {

// A file a commit changed, against its first parent.
struct FileChange {
  std::string path;  // the new path (the old one for a deletion)
  std::int64_t added = 0;
  std::int64_t removed = 0;  // both 0 for a binary file
};

// The default branch's tip as the remote names it.
struct BranchTip {
  std::string ref;  // e.g. refs/remotes/origin/main
  std::string sha;
};

// A commit met walking back from a tip (GitRepo::walk).
struct WalkedCommit {
  std::string sha;
  std::int64_t committer_ms = 0;
  bool merge = false;  // more than one parent
};

struct CommitInfo {
  std::string sha;      // 40 hex digits
  std::string summary;  // the subject line, as git log --format=%s
  std::int64_t committer_ms = 0;
  std::vector<std::string> parents;  // first parent first
};

class GitRepo {
 public:
  // The repository that `dir` is in (searching upward, as git does), or nullopt when it is in
  // none. An error only when a repository is there and cannot be read.
  static Result<std::optional<GitRepo>> open_containing(const std::string& dir);

  GitRepo(GitRepo&&) noexcept;
  GitRepo& operator=(GitRepo&&) noexcept;
  ~GitRepo();

  // The real path of the common git directory: the same for a checkout and its worktrees.
  const std::string& id() const { return id_; }
  // The top of the working tree `dir` is in ("" for a bare repository).
  const std::string& workdir() const { return workdir_; }

  // The commit that `short_sha` (4 to 40 hex digits) names: nullopt when none does, an
  // error when several do (Errc::invalid_argument, "ambiguous") or the object is no commit.
  Result<std::optional<CommitInfo>> find_commit(std::string_view short_sha) const;

  // The files commit `sha` (40 hex digits) changed against its first parent (the empty
  // tree for a root commit), renames found as git log --stat does, with lines added and
  // removed.
  Result<std::vector<FileChange>> changes(const std::string& sha) const;

  // The tip of the default branch as last fetched: the target of refs/remotes/origin/HEAD,
  // else origin/main, else origin/master; nullopt when there is none (a clone never
  // fetched, or no remote named origin). tally never fetches: "merged" is as fresh as that.
  Result<std::optional<BranchTip>> default_tip() const;

  // Whether commit `sha` is `tip` or one of its ancestors.
  Result<bool> reaches(const std::string& tip, const std::string& sha) const;

  // The commits reachable from `tip`, newest first by committer time, until the first one
  // committed before `since_ms`. A history with skewed clocks may still reach older commits
  // past that point: a miss is confirmed with reaches().
  Result<std::vector<WalkedCommit>> walk(const std::string& tip, std::int64_t since_ms) const;

  // The patch id (git patch-id --stable) of the change from `base` to `head` ("" = from
  // head's first parent, or the empty tree): equal for the same change wherever it lands,
  // which is how a rebase or squash merge is recognised.
  Result<std::string> patch_id(const std::string& base, const std::string& head) const;

  // The best common ancestor of two commits; nullopt when they share none.
  Result<std::optional<std::string>> merge_base(const std::string& a, const std::string& b) const;

 private:
  using OwnedTree = std::unique_ptr<git_tree, void (*)(git_tree*)>;
  using OwnedDiff = std::unique_ptr<git_diff, void (*)(git_diff*)>;
  // The tree of commit `sha`, or of its first parent (nullptr for a root commit's parent).
  Result<OwnedTree> tree_of(const std::string& sha, bool first_parent) const;
  Result<OwnedDiff> diff(const std::string& base, const std::string& head) const;

  GitRepo() = default;
  struct Free {
    void operator()(git_repository* repo) const;
  };
  std::unique_ptr<git_repository, Free> repo_;
  std::string id_;
  std::string workdir_;
};

}  // namespace tally::outcomes
