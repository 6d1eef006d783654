#pragma once

// What a shell tool call says about git (issue 18): which commands that make commits an agent
// ran, and the lines git and gh printed about them. Pure text, no git and no file access: the
// adapters call it on a shell call's command and output; src/outcomes resolves what it finds
// in the repository (a short SHA is a claim until the repository confirms it).
//
// A SHA that merely appears in a session (a `git log`, a push range, the model quoting a
// commit line in its reply) is not evidence: callers read commit headers only from the output
// of a command that classify_git_command() says makes a commit.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tally::sources {

// Whether `s` is a commit id as git prints it: 7 to 64 lowercase hex digits.
bool is_commit_id(std::string_view s);

// Whether `s` holds a control character (C0 or DEL): no branch, subject or URL does.
bool has_control_chars(std::string_view s);

enum class GitAction { commit, amend, revert, merge, cherry_pick, am, pr_create };

std::string_view git_action_name(GitAction action);

struct GitStep {
  GitAction action = GitAction::commit;
  // Where it runs, as the command says it: the last `cd DIR` before it, or its `git -C DIR`
  // (joined to that `cd` when relative); "" for the tool call's own working directory.
  std::string dir;
  bool operator==(const GitStep&) const = default;
};

// The steps of a shell command line that make commits (git commit, commit --amend, revert,
// merge, cherry-pick, am) or open a pull request (gh pr create), in the order it runs them.
// The line is split as a shell would at && || ; | & and newlines outside quotes; words are
// split at blanks outside quotes, quotes removed. Leading VAR=value words and the prefixes
// env, time, command, nohup and sudo are skipped. Anything else (echo git commit, a script
// that commits) is not a step.
std::vector<GitStep> classify_git_command(std::string_view command);

struct CommitHeader {
  std::string branch;     // "main", "feat/parse-config", "detached HEAD"
  std::string short_sha;  // 7 to 64 lowercase hex digits, as printed
  std::string subject;    // the rest of the line, at most kMaxSubjectBytes
  bool root_commit = false;
  bool operator==(const CommitHeader&) const = default;
};

inline constexpr std::size_t kMaxSubjectBytes = 200;

// The "[branch sha] subject" and "[branch (root-commit) sha] subject" lines that git commit,
// revert, cherry-pick and merge print, in order. A line counts only when it starts with '['
// (hook output before it is other lines) and its parts are well formed.
std::vector<CommitHeader> parse_commit_headers(std::string_view output);

struct PullRequestLink {
  std::string url;         // https://HOST/OWNER/REPO/pull/N
  std::string repository;  // OWNER/REPO
  std::int64_t number = 0;
  bool operator==(const PullRequestLink&) const = default;
};

// The pull request URLs in `output` (gh pr create prints the new one), each once, in order.
std::vector<PullRequestLink> parse_pull_request_links(std::string_view output);

}  // namespace tally::sources
