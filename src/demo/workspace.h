#pragma once

// The heavy user's projects (profile heavy_user, corpus.h): a few repositories under
// <home>/src, some with linked worktrees in <repo>/.worktrees/<name>, and what sessions in
// them talk about (task prompts, source files, shell commands, apply_patch bodies).
//
// Reports roll a linked worktree into its repository by reading the git files of the
// directory an agent ran in (sources/git_worktree.h), so the checkouts exist on disk, laid
// out as `git worktree add` lays them out, but holding only those files: the main
// checkout's `.git/` with HEAD, and per worktree a `.git` file "gitdir: <repo>/.git/worktrees/
// <name>" whose target holds `commondir` ("../..") and `gitdir` (the way back). No source
// file is written: the logs only name them.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "demo/common.h"

namespace tally::corpus {

struct Project {
  std::string repo;      // "webapp"
  std::string worktree;  // "wt2"; empty for the repository's main checkout
  std::string cwd;       // absolute
  std::string cwd_json;  // the same, escaped for a JSON string
  std::string name;      // short and unique: "webapp", "webapp-wt2" (Gemini's project name)
  std::string branch;    // checked out there
  double weight = 0;     // share of the sessions run here
  std::span<const std::string_view> files;     // paths relative to `cwd`
  std::span<const std::string_view> commands;  // what the shell runs here
};

class Workspace {
 public:
  // The projects under `home` (made absolute). Writes nothing.
  explicit Workspace(const std::string& home);

  // Creates every checkout with its git files. Returns false (errno set) on failure.
  bool create() const;
  const std::vector<Project>& projects() const { return projects_; }
  // A project drawn by weight.
  const Project& pick(Rng& rng) const;
  // The project whose cwd_json is `cwd`; nullptr when none is.
  const Project* find(std::string_view cwd) const;

 private:
  std::string src_;  // <home>/src
  std::vector<Project> projects_;
};

// What a session in `p` writes. Every string returned is ready to sit inside a JSON string.

// A user's task, naming a file of the project: "Fix the flaky test in src/api/client.ts".
std::string task_prompt(const Project& p, Rng& rng);
// A file of the project, relative to its cwd.
std::string_view source_file(const Project& p, Rng& rng);
// A shell command run in the project.
std::string_view shell_command(const Project& p, Rng& rng);
// An apply_patch body updating one to three of the project's files, with its newlines
// escaped ("*** Begin Patch\\n*** Update File: src/x.ts\\n@@ ..."), and those files.
struct Patch {
  std::string body;
  std::vector<std::string_view> files;
};
Patch make_patch(const Project& p, Rng& rng);

}  // namespace tally::corpus
