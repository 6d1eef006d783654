#pragma once

// The pieces of `tally statusline` (statusline_command.cc), apart so tests can reach them:
// reading Claude Code's statusline hook JSON, gathering the facts from the ledger, and the
// one line it prints. Also the active 5-hour block, which `tally watch` shares.
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

#include "analytics/blocks.h"
#include "core/result.h"
#include "core/time.h"
#include "store/ledger.h"

namespace tally::cli {

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

// Reads all of `fd` up to `cap` bytes, waiting at most `timeout_ms` in total for the writer.
// Fails (Errc::io) on a read error, a timeout before end of input, or more than `cap` bytes.
Result<std::string> read_input(int fd, std::size_t cap, int timeout_ms);

// The context window of `model_id` in tokens, from the model's published facts
// (docs: ../shared/spec/pricing.md §1.3): 1M for Claude 4.6+ and for ids with the "[1m]"
// beta suffix, 200k for earlier Claude 4.x and 3.x. nullopt when tally does not know the
// model: the caller then shows the token count without a percentage rather than guess.
std::optional<std::int64_t> context_window_for(std::string_view model_id);

// What the line shows. Costs in USD.
struct StatusFacts {
  std::string model;  // display name
  bool session_found = false;
  double session_cost = 0;        // tally's cost of the session, sub-agents and unlogged calls in
  bool session_unpriced = false;  // some of the session's records have no price
  double today_cost = 0;          // every agent, since local midnight
  bool today_unpriced = false;
  std::optional<double> burn_per_hour;         // the active 5-hour block's $/h
  std::optional<std::int64_t> context_tokens;  // input + cache read + cache write of the last
                                               // main-chain response of the session
  std::optional<std::int64_t> context_window;  // nullopt: unknown model
};

// Gathers the facts from `ledger` (already brought up to date) for `hook` as of `now`.
Result<StatusFacts> gather_status(store::Ledger& ledger, const Zone& zone, const HookInput& hook,
                                  TimeMs now);

// The line, e.g. "Opus · $4.12 session · $38.90 today · $12.40/h · ctx 61% (122k/200k)",
// without a newline. Unpriced spend is flagged "+?"; parts without data are left out.
// `color` adds ANSI colours (context use green/yellow/red). The model name is escaped by
// render::terminal_safe; tally's own colour codes are the only escapes in the line.
std::string format_status(const StatusFacts& facts, bool color);

// The facts as one JSON object (the --json contract), with a newline.
std::string status_json(const StatusFacts& facts);

// Short figures shared with `tally watch`: "$4.12" ("$1234" from $1,000), and tokens as
// "950", "122k", "1M", "1.2M".
std::string short_money(double usd);
std::string short_tokens(std::int64_t n);

// The active 5-hour block as of `now`, or nullopt when none is active. Blocks form a chain
// from the first record in the ledger, so where the last one starts depends on the whole
// history; that chain is walked over the ledger's 15-minute buckets (exact, because blocks
// end on the hour) and only the last block's records are read and measured by
// analytics::build_blocks.
Result<std::optional<analytics::Block>> current_block(store::Ledger& ledger, TimeMs now);

}  // namespace tally::cli
