#pragma once

// Claude Code's statusline hook: what it hands `tally statusline`, and which log files
// belong to the session it names.
//
// Claude Code runs the statusline command on every refresh (at most every ~300 ms) with a
// JSON object on stdin, e.g.
//   {"session_id":"...","transcript_path":"~/.claude/projects/-x/<sid>.jsonl","cwd":"...",
//    "model":{"id":"claude-opus-4-8","display_name":"Opus"},"workspace":{...},
//    "version":"2.1.330","cost":{"total_cost_usd":1.23,...},
//    "context_window":{"context_window_size":200000,...},"exceeds_200k_tokens":false}
// Every field is optional here and unknown ones are ignored: the hook grows between
// versions, and a statusline must print something rather than fail.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "sources/adapter.h"

namespace tally::sources {

struct HookInput {
  std::string session_id;
  std::string transcript_path;
  std::string cwd;
  std::string model_id;    // model.id, e.g. "claude-opus-4-8" or "claude-sonnet-4-5[1m]"
  std::string model_name;  // model.display_name, e.g. "Opus"
  std::optional<double> agent_cost_usd;             // cost.total_cost_usd (Claude's estimate)
  std::optional<std::int64_t> context_window_size;  // context_window.context_window_size
};

// Parses the hook JSON. Fails (Errc::parse) when `json` is not one JSON object; missing or
// mistyped fields are left empty.
Result<HookInput> parse_hook(std::string_view json);

// Reads all of `fd` up to `cap` bytes, waiting at most `timeout_ms` in total for the writer
// (the hook's stdin: a statusline must never hang on it). Fails (Errc::io) on a read error,
// a timeout before end of input, or more than `cap` bytes.
Result<std::string> read_input(int fd, std::size_t cap, int timeout_ms);

// The session's own log files: the transcript at `transcript` and the transcripts of its
// sub-agents, <dir>/<session>/subagents/*.jsonl. Empty when `transcript` is not a file.
std::vector<SourceFile> session_files(const std::string& transcript);

}  // namespace tally::sources
