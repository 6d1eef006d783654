#pragma once

// `tally statusline`'s output: one line for Claude Code's status bar, or the facts as one
// JSON object (--json). The facts are analytics/status.h's.

#include <string>

#include "analytics/status.h"

namespace tally::render {

// The line, e.g. "Opus · $4.12 session · $38.90 today · $12.40/h · ctx 61% (122k/200k)",
// without a newline. Unpriced spend is flagged "+?"; parts without data are left out.
// `color` adds ANSI colours (context use green/yellow/red). The model name is escaped by
// terminal_safe; tally's own colour codes are the only escapes in the line.
std::string format_status(const analytics::StatusFacts& facts, bool color);

// The facts as one JSON object (the --json contract), with a newline.
std::string status_json(const analytics::StatusFacts& facts);

}  // namespace tally::render
