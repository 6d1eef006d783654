#pragma once

// The content of Claude Code messages, as far as session facts need it: whether a user
// line is a typed prompt, a slash command or something else (command output, tool results,
// notifications), and the tool_use blocks of an assistant reply. Split from claude.cc,
// which reads everything else of a line.

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

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

}  // namespace tally::sources
