#pragma once

// Facts about one session as seen in one file. A parser recomputes them from the file's
// start (keeping running values in its resumable state), so a re-read replaces the row
// rather than adding to it. Keyed by (agent, session_id, file_key), where file_key is the
// file's base name: a Codex rollout copied into archived_sessions/ is the same file under
// another path, and must not count twice.
//
// Usage (tokens, models, efforts, costs) is not here: it lives in the usage records, which
// the ledger deduplicates per response. Facts are what only the transcript knows: prompts,
// tool calls, compactions, files touched.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/usage.h"

namespace tally {

// Distinct files touched that a SessionFacts lists by path; more are only counted.
inline constexpr std::size_t kMaxFilesTouched = 200;

// A session's own word that it made a commit or opened a pull request (issue 18): what the
// output of one of its shell calls says, or what the agent itself recorded (Claude's
// gitOperation). A claim until src/outcomes finds the commit in the repository.
struct GitMark {
  std::string action;     // sources::git_action_name: commit, amend, revert, merge, ..., pr-create
  TimeMs ts = 0;          // the line that holds the output
  std::string dir;        // where it ran: the command's `cd`/`-C`, else the line's cwd; may be ""
  std::string branch;     // as git printed it ("" when unknown)
  std::string short_sha;  // as git printed it; "" for a pull request
  std::string subject;    // the commit's subject line as printed ("" when unknown)
  std::string pr_url;     // a pull request's URL; "" for a commit
  bool operator==(const GitMark&) const = default;
};

// Marks a SessionFacts keeps (in order); later ones are only counted.
inline constexpr std::size_t kMaxGitMarks = 500;

struct SessionFacts {
  Agent agent;  // default: the registry's first agent
  std::string session_id;
  std::string parent_session_id;
  std::string file_key;
  std::string project;
  // The agent's own title for the session where it records one (Claude's ai-title), else
  // the first prompt the user typed, shortened by prompt_title(). Stays on this machine.
  std::string title;
  TimeMs first_ts = 0;
  TimeMs last_ts = 0;
  // Prompts the user typed to the model: not slash commands, command output, tool results,
  // injected context or sub-agent notifications.
  std::int64_t user_prompts = 0;
  std::int64_t commands = 0;   // slash commands the user typed (/compact, /model, ...)
  std::int64_t responses = 0;  // model responses the file shows (one per API response)
  std::int64_t errors = 0;
  std::int64_t compactions = 0;
  // The context size (tokens) before each compaction, in order; 0 where the agent does not
  // record it. Has `compactions` entries.
  std::vector<std::int64_t> compaction_tokens;
  std::int64_t lines_added = 0;
  std::int64_t lines_removed = 0;
  // Tool calls by the agent's own tool name, and the kinds the anatomy singles out.
  std::map<std::string, std::int64_t> tool_calls;
  std::int64_t edit_calls = 0;  // patches and edits (Edit/Write/MultiEdit, apply_patch, ...)
  std::int64_t shell_calls = 0;
  std::int64_t web_searches = 0;
  std::int64_t web_fetches = 0;
  // Distinct files the edit calls touched, sorted, at most kMaxFilesTouched; the number of
  // further distinct files is `files_touched_more`.
  std::vector<std::string> files_touched;
  std::int64_t files_touched_more = 0;
  // Commits and pull requests the session's own tool output shows, in order, each once (by
  // action, SHA and URL), at most kMaxGitMarks; `git_marks_more` counts the rest.
  std::vector<GitMark> git_marks;
  std::int64_t git_marks_more = 0;
};

// Adds `mark` unless the same one (action, SHA, pull request URL) is there already. Returns
// false when it is new but the list is full (the caller counts it in git_marks_more).
bool add_git_mark(SessionFacts& facts, GitMark mark);

// Folds the facts of another file of the same session into `into`: counts and compactions
// add up, file lists are united (still capped), the time span widens, and lines added and
// removed take the larger value (Claude writes them as running session totals in every
// file of the session). Text fields keep the first non-empty value.
void merge_session_facts(SessionFacts& into, const SessionFacts& from);

// Adds `path` to the distinct files of `facts`, keeping the list sorted. Returns false when
// the list is full and does not hold `path`: the caller then counts it in
// files_touched_more if it has not seen it before (it alone can remember that).
bool add_file_touched(SessionFacts& facts, std::string_view path);

// How much of a typed prompt an adapter keeps for prompt_title(): its start is enough.
inline constexpr std::size_t kPromptCopyBytes = 1024;

// The longest title prompt_title() makes, in characters (the "…" included).
inline constexpr std::size_t kTitleChars = 72;

// A session title from a typed prompt: its first non-blank line, runs of white space made
// one space, control characters dropped; past kTitleChars - 1 characters it is cut there
// (on a UTF-8 boundary) and ends in "…". "" for a prompt of white space.
std::string prompt_title(std::string_view text);

// Text encodings of the list-valued facts, for storage (ledger columns, parser state).
// Each is lossless and never contains '\x1e', so encoded values can be joined with it.
std::string encode_tool_calls(const std::map<std::string, std::int64_t>& calls);
Result<std::map<std::string, std::int64_t>> decode_tool_calls(std::string_view text);
std::string encode_paths(const std::vector<std::string>& paths);
std::vector<std::string> decode_paths(std::string_view text);
std::string encode_git_marks(const std::vector<GitMark>& marks);
Result<std::vector<GitMark>> decode_git_marks(std::string_view text);
std::string encode_ints(const std::vector<std::int64_t>& values);
Result<std::vector<std::int64_t>> decode_ints(std::string_view text);

}  // namespace tally
