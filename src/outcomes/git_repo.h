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
