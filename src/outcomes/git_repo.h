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

 private:
  GitRepo() = default;
  struct Free {
    void operator()(git_repository* repo) const;
  };
  std::unique_ptr<git_repository, Free> repo_;
  std::string id_;
  std::string workdir_;
};

}  // namespace tally::outcomes
