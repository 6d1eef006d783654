#pragma once

// Which commits each session made, with evidence (issue 18, the "exact" tier): a session's
// own git marks (core/session_facts.h GitMark: its commit command's output, or the agent's
// own record of the commit), each checked in the repository of the directory it ran in.
//
// Rules, in order:
// * A mark's directory (after the path map) opens the repository it is in, worktrees being
//   their repository. No directory, or a directory in no repository (a deleted clone), is a
//   warning; the mark stays unattributed.
// * Its short SHA must name one commit whose subject is the one the output printed (when it
//   printed one) and whose committer time is within an hour before the mark and a minute
//   after it. Otherwise it is a warning (sha_unresolved, sha_ambiguous, sha_mismatch), never
//   a guess. A SHA that only appears in a session (git log, git status, push ranges) is no
//   mark in the first place (sources/git_output.h).
// * A commit belongs to one session: the one whose mark is earliest; a later claim is a
//   warning (claimed_twice: a forked or copied log).
// * `--amend`: the session's commit the amend replaced (same branch, the amend's parent as
//   its parent, or gone from the repository) is `amended` and not counted. A revert is
//   listed and not counted (as Claude Code counts commits).
// * Merged: reachable from the default branch's tip as last fetched (git_repo.h
//   default_tip); no such branch gives `unknown` and a merged_unknown warning, never
//   "unmerged". Landed (a squash or rebase merge, which leaves other SHAs): a non-merge
//   commit of the default branch, committed at most a day before the oldest candidate or
//   later, has the commit's patch id (a rebase, or a squash of that one commit), or the
//   patch id of the session's run on its branch (merge base with the tip .. the session's
//   last commit there: a squash of several); each commit of the run then landed as it.
// * Lines, files and class lines against the first parent (path_class.h).
//
// Sub-agents' marks count for the session that spawned them. Nothing here writes to a
// repository, fetches or runs git.

#include <string>
#include <utility>
#include <vector>

#include "core/outcome.h"
#include "core/session_facts.h"

namespace tally::outcomes {

struct AttributeOptions {
  // Directory prefixes to rewrite before opening repositories (OLD, NEW): a clone that moved
  // since the session ran. The first matching OLD (a whole path component) wins.
  std::vector<std::pair<std::string, std::string>> path_map;
};

struct Attribution {
  // One per session tree that has at least one mark, in the order of `facts`' first file.
  std::vector<SessionOutcome> sessions;
  std::vector<OutcomeWarning> warnings;
};

// `facts`: every session's facts (store::Ledger::sessions), sub-agents included.
Attribution attribute(const std::vector<SessionFacts>& facts, const AttributeOptions& options);

// `dir` with the first matching prefix of `path_map` replaced.
std::string map_path(const std::string& dir,
                     const std::vector<std::pair<std::string, std::string>>& path_map);

}  // namespace tally::outcomes
