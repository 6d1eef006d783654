#pragma once

// What a session's work became in git (issue 18): the commits it made, what each changed, and
// whether it reached the default branch. Plain data: src/outcomes finds it in repositories
// (libgit2), analytics and render report it; neither of those knows git.
//
// Evidence: only the session's own word (core/session_facts.h GitMark: the output of its own
// commit command or the agent's record of it), checked against the repository (the SHA's
// subject and time). A SHA that merely appears in a session is never evidence.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/agent.h"
#include "core/usage.h"

namespace tally {

// What a commit's changed lines were for, by path (outcomes/path_class.h). Tests, agent
// instructions and harness files are the reusable value a costly session can leave behind.
struct ClassLines {
  std::int64_t test = 0;          // tests/, *_test.*, *.spec.*, ...
  std::int64_t instructions = 0;  // AGENTS.md, CLAUDE.md, GEMINI.md, ...
  std::int64_t harness = 0;       // .claude/, .codex/, .gemini/, skills, prompts
  std::int64_t ci = 0;            // .github/workflows/, .gitlab-ci.yml, ...
  bool operator==(const ClassLines&) const = default;
};

// The fate of a commit a session made.
enum class CommitState {
  merged,    // reachable from the default branch's tip (as last fetched: tally never fetches)
  landed,    // its change reached the default branch as another commit (a squash or rebase
             // merge: the same patch id, alone or with the session's earlier commits on its
             // branch); counted as merged
  unmerged,  // not reachable from it, and no commit there has its change
  unknown,   // the repository has no default branch tally can name (no origin/HEAD, main, master)
  amended,   // replaced by the session's own later `--amend`: not counted
  revert,    // the session reverted something: listed, counted in neither commits nor lines
};

struct CommitOutcome {
  std::string sha;        // 40 hex digits
  std::string short_sha;  // as the session's log printed it
  std::string subject;
  std::string branch;        // as git printed it when committing ("" when unknown)
  std::string action;        // the mark's: commit, amend, merge, cherry-pick, revert, ...
  std::string repository;    // the repository's id (real path of its common git directory)
  TimeMs ts = 0;             // when the session's log recorded it
  std::int64_t committed_ms = 0;
  std::int64_t lines_added = 0;    // against the first parent
  std::int64_t lines_removed = 0;
  std::int64_t files = 0;
  ClassLines class_lines;  // added + removed lines per class
  CommitState state = CommitState::unknown;
  std::string landed_as;  // for `landed`: the default branch's commit that carries the change
  // The loop that made it (analytics/outcomes.h): what the session spent since its previous
  // commit (or its start) up to this commit's log line.
  std::int64_t tokens_since_previous = 0;
  double cost_since_previous = 0;
  bool merged() const { return state == CommitState::merged || state == CommitState::landed; }
  // Counted in commits and lines: not amended away, not a revert.
  bool counted() const { return state != CommitState::amended && state != CommitState::revert; }
};

// A problem met while finding a session's commits; the figures it touches are then short.
struct OutcomeWarning {
  std::string session_id;
  std::string kind;  // repository_missing, sha_unresolved, sha_mismatch, sha_ambiguous,
                     // no_directory, claimed_twice, merged_unknown, git_error
  std::string detail;
};

// A pull request a session opened: from Claude's pr-link/gitOperation or `gh pr create`'s
// output. Merged when every counted commit of the session on the branch it last committed
// to before opening it is merged; unknown (nullopt) when it committed nothing there.
struct PullRequestOutcome {
  std::string url;
  std::int64_t number = 0;  // from the URL's /pull/N; 0 when it has none
  TimeMs ts = 0;
  std::string branch;  // the session's branch it was opened from, as far as its commits show
  std::optional<bool> merged;
};

// One session tree (a session and its sub-agents): its commits and pull requests.
struct SessionOutcome {
  Agent agent;
  std::string session_id;  // the root session
  std::vector<CommitOutcome> commits;
  std::vector<PullRequestOutcome> pull_requests;  // each URL once
  std::int64_t marks_more = 0;             // marks beyond what the ledger keeps per file
  // Commit marks that could not be checked (a warning says why): the session may have made
  // more than `commits` shows, so it is never counted as having produced nothing.
  std::int64_t unchecked = 0;
};

// JSON and table names: merged, squash-merged (landed: a squash or rebase merge), unmerged,
// unknown, amended, revert.
std::string_view commit_state_name(CommitState state);

}  // namespace tally
