#pragma once

// The content of Claude Code messages, as far as session facts need it: whether a user
// line is a typed prompt, a slash command or something else (command output, tool results,
// notifications), and the tool_use blocks of an assistant reply. Split from claude.cc,
// which reads everything else of a line.

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/usage.h"
#include "sources/git_output.h"
#include "sources/session_tools.h"

namespace tally::sources {

// What a user line's content is, for counting typed prompts (rule 8).
enum class UserContent { none, typed_text, command, tool_result, other };

// Classifies a user message's text: slash commands and their output are written as user
// lines with tags (<command-name>, <local-command-stdout>, <task-notification>, ...); they
// are not prompts the user typed to the model.
UserContent classify_text(std::string_view text);

// Classifies `content` (a string or an array of blocks) into `out`; a tool_result block
// makes the whole line a tool result. A typed prompt's text goes to `text` (at most
// kPromptCopyBytes, core/session_facts.h). Fails only on malformed JSON.
simdjson::error_code read_user_content(simdjson::ondemand::value content, UserContent& out,
                                       std::string& text);

// A tool_use block of an assistant reply: the tool's name and the file it edits, if any.
struct ToolUse {
  std::string id;
  std::string name;
  std::string path;  // input.file_path (Edit, Write, MultiEdit) or input.notebook_path
};

// Appends the tool_use blocks of an assistant reply's `content` (nothing for plain text).
// Fails only on malformed JSON.
simdjson::error_code read_tool_uses(simdjson::ondemand::value content, std::vector<ToolUse>& out);

// What a tool call's result (a user line's `toolUseResult`) says about git (issue 18):
// Claude Code's own `gitOperation` record of a commit it made (`commit`: sha, kind
// committed|amended, branch) or a pull request it opened (`pr`: url), and the commit header
// lines of the call's stdout, which give the commit's subject. Values that are not what
// they claim (a SHA that is not 7-40 hex digits, an over-long branch or URL) are dropped.
struct ClaudeGitResult {
  std::string sha;
  std::string kind;
  std::string branch;
  std::string pr_url;
  std::vector<CommitHeader> headers;
};

// Reads `tool_use_result` into `out` when it is an object (older versions wrote a string:
// nothing to read). Fails only on malformed JSON.
simdjson::error_code read_git_result(simdjson::ondemand::value tool_use_result,
                                     ClaudeGitResult& out);

// Adds to `tools` the commit and pull requests of one line: its gitOperation and, for a
// pr-link line, `pr_link`; `ts` and `cwd` are the line's. Only Claude Code's own record
// counts: a header line in some other output (a `cat`, a `git log`) gives at most the
// subject of a recorded commit.
void add_git_marks(const ClaudeGitResult& git, const std::string& pr_link, TimeMs ts,
                   const std::string& cwd, ToolFacts& tools);

}  // namespace tally::sources
