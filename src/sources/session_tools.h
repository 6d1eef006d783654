#pragma once

// The session-anatomy facts every adapter collects the same way: tool calls by name (and the
// kinds the anatomy singles out: edits, shell, web search, web fetch), the distinct files
// edits touched, compactions with their pre-compaction size, slash commands and responses.
// One class serves all three agents; an adapter only finds the calls in its own format and
// hands them over. The values live in the parser's resumable state (save/restore), so a
// file read in two runs gives exactly the facts of one read.

#include <cstdint>
#include <set>
#include <string_view>

#include "core/result.h"
#include "core/session_facts.h"
#include "sources/state_bag.h"

namespace tally::sources {

enum class ToolKind { other, edit, shell, web_search, web_fetch };

// The kind of a tool, by the name any of the three agents gives it (Claude `Edit`, Codex
// `apply_patch`, Gemini `replace`, ...). Unknown names are `other`.
ToolKind tool_kind(std::string_view name);

// Calls `on_path` with every file an apply_patch body names (`*** Add File: `,
// `*** Update File: `, `*** Delete File: `, `*** Move to: `). The body may still be
// JSON-escaped (a function call's arguments): an escaped newline ends a path too.
template <typename F>
void for_each_patch_file(std::string_view patch, F&& on_path);

class ToolFacts {
 public:
  // One tool call named `name`, of kind `kind` (tool_kind(name) unless the caller knows
  // better, e.g. a Codex web_search_call that opens a page is a fetch).
  void tool_call(std::string_view name, ToolKind kind);
  void tool_call(std::string_view name) { tool_call(name, tool_kind(name)); }
  // A file an edit call touched; repeated paths count once.
  void file_touched(std::string_view path);
  // Every file an apply_patch body names.
  void patch_files(std::string_view patch);
  // One compaction; `pre_tokens` is the context size before it (0 when unknown).
  void compaction(std::int64_t pre_tokens) { facts_.compaction_tokens.push_back(pre_tokens); }
  void command() { ++facts_.commands; }
  // A commit or pull request the session's own tool output shows (issue 18); the same one
  // seen again counts once (add_git_mark). Past kMaxGitMarks marks are only counted.
  void git_mark(GitMark mark) {
    if (!add_git_mark(facts_, std::move(mark))) {
      ++facts_.git_marks_more;
    }
  }
  void response() { ++facts_.responses; }

  // A shell call's command line and its output (Codex exec_command, Gemini
  // run_shell_command): a mark for each commit header its git steps printed and each pull
  // request URL its `gh pr create` printed (issue 18), at `ts`. `cwd` is where the call ran
  // ("" when unknown); a step's own `cd`/`-C` is resolved against it. Output of a command
  // that makes no commit gives nothing, whatever SHAs it shows. (Claude Code records its
  // own: claude_content.h add_git_marks.)
  void shell_output(std::string_view command, std::string_view output, std::string_view cwd,
                    TimeMs ts);

  // Writes/reads the running values under keys starting with "t.".
  void save(StateBag& bag) const;
  Status restore(const StateBag& bag);
  // Copies the collected facts into `out` (commands, responses, compactions and their
  // sizes, tool calls, edit/shell/web counts, files touched, git marks).
  void fill(SessionFacts& out) const;

 private:
  SessionFacts facts_;                // only the anatomy fields are used
  std::set<std::uint64_t> overflow_;  // hashes of distinct files beyond the listed cap
};

template <typename F>
void for_each_patch_file(std::string_view patch, F&& on_path) {
  static constexpr std::string_view kMarkers[] = {
      "*** Add File: ", "*** Update File: ", "*** Delete File: ", "*** Move to: "};
  for (std::string_view marker : kMarkers) {
    size_t pos = 0;
    while ((pos = patch.find(marker, pos)) != std::string_view::npos) {
      const size_t start = pos + marker.size();
      size_t end = start;
      while (end < patch.size() && patch[end] != '\n' && patch[end] != '\r' &&
             !(patch[end] == '\\' && end + 1 < patch.size() &&
               (patch[end + 1] == 'n' || patch[end + 1] == 'r' || patch[end + 1] == '"'))) {
        ++end;
      }
      std::string_view path = patch.substr(start, end - start);
      while (!path.empty() && path.back() == ' ') {
        path.remove_suffix(1);
      }
      if (!path.empty()) {
        on_path(path);
      }
      pos = end;
    }
  }
}

}  // namespace tally::sources
