#pragma once

// The items of Codex's `event_msg`/`item_completed` events that session facts read, split
// from codex.cc: a typed prompt's text, and what a shell command ran, where, and printed
// (issue 18: the commits its output shows).

#include <optional>
#include <string>

#include "sources/json_fields.h"

namespace tally::sources {

// The first {"type": "text", "text": ...} block of a message item's "content" (the start
// of it: enough for a title); "" when there is none.
std::string first_text(object item);

// A CommandExecution item that completed: its shell script (the last word of `command`,
// as in ["/bin/bash", "-lc", "git add -A && git commit -m x"]), its directory (`cwd`, a
// file:// URL or a path) and `aggregated_output`. nullopt when it failed (exit_code not 0)
// or lacks a script.
struct CommandRun {
  std::string script;
  std::string cwd;
  std::string output;
};
std::optional<CommandRun> read_command_run(object item);

}  // namespace tally::sources
