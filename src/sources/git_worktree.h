#pragma once

// Git worktrees, read from the file system (no git, no libgit2 needed for this one fact).
//
// Agents record the directory they ran in. Run in a linked worktree (`git worktree add`,
// e.g. repo/.worktrees/wt4), that directory's `.git` is a file, "gitdir: <dir>", whose
// <dir>/commondir names the repository's common git directory (or, without commondir,
// <dir> is <common>/worktrees/<name>). Reports roll such directories into their repository
// as one project (issue 17); the worktree stays a detail.

#include <map>
#include <optional>
#include <string>

namespace tally::sources {

// The main directory of the repository that `path` (or a directory above it) is a linked
// worktree of: the parent of the common dir when that is named ".git", else the common dir
// itself (a bare repository). nullopt when `path` is not inside a linked worktree (a plain
// checkout, a submodule, no repository), or when it is gone or unreadable: then the path
// stays its own project, as before. Reads at most a few small files per directory level.
std::optional<std::string> worktree_repository(const std::string& path);

// The project a report counts `path` under: its repository when it is a linked worktree,
// else the path itself. Looks each distinct path up once (a report has many rows per path).
class ProjectRoots {
 public:
  const std::string& of(const std::string& path) {
    auto it = roots_.find(path);
    if (it == roots_.end()) {
      it = roots_.emplace(path, worktree_repository(path).value_or(path)).first;
    }
    return it->second;
  }
  // Every path looked up so far, with its project.
  const std::map<std::string, std::string>& seen() const { return roots_; }

 private:
  std::map<std::string, std::string> roots_;
};

}  // namespace tally::sources
