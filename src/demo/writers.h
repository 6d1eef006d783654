#pragma once

// One writer per agent. Each writes complete sessions in the agent's current on-disk format
// (the shapes of tests/data/real-logs), records the exact usage it wrote in the Ledger, and
// returns the small state needed to append a realistic continuation later.
//
// Two profiles (corpus.h). Benchmark: bytes drive everything, made-up projects, filler text;
// its draws from the random source must never change, so the corpus stays byte-identical per
// seed. Heavy user (`GenContext::workspace` set): the same line shapes with short text, a
// heavy user's tokens in them (a large system prompt, tool results that add thousands of
// tokens for a few hundred bytes of log, 1M-token contexts on Claude Opus and Sonnet, so
// most tokens are cache reads), sessions in the user's projects at the times of the Month,
// real file paths in edits and patches, and fast mode on the Month's fast days.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "demo/common.h"

namespace tally::corpus {

class Month;
class Workspace;
struct Project;

// What every writer needs. The pointers outlive the writers.
struct GenContext {
  std::string root;  // the fake HOME
  const Filler* filler = nullptr;
  Ledger* ledger = nullptr;
  Millis end = 0;   // no timestamp is later than this (save for appends to a session that
                    // was already active at `end`)
  Millis span = 0;  // timestamps start at end - span
  // Share of Claude sessions on a model tally's price table does not know (priced from the
  // cost-state's reported costUSD, agent-logs.md §2), as genuine logs of new CLI versions are.
  double unpriced_share = 0;
  // Profile heavy_user: the user's projects; nullptr for the benchmark. And the working month,
  // which only new sessions need (appends leave it nullptr).
  const Workspace* workspace = nullptr;
  const Month* month = nullptr;
  bool heavy() const { return workspace != nullptr; }
};

// ---- Claude Code -------------------------------------------------------------------------

// The running `cost-state.modelUsage.<model>` of a session.
struct ClaudeModelUsage {
  uint64_t input = 0, output = 0, thinking = 0, cache_read = 0, cache_write = 0;
  uint64_t cache_write_5m = 0, cache_write_1h = 0;
  double cost = 0;
};

struct ClaudeSessionState {
  std::string path;  // main transcript, relative to the root
  std::string session_id, cwd, model, effort, branch;
  bool ttl_1h = false;
  std::string last_uuid;
  Millis start = 0, last_ts = 0;
  uint64_t ctx = 0;   // context tokens after the last response
  uint64_t turn = 0;  // user prompts so far
  uint64_t api_ms = 0, lines_added = 0, lines_removed = 0;
  std::map<std::string, ClaudeModelUsage> usage;  // cumulative, sub-agents and unlogged included
  bool fast = false;  // Opus requests at fast speed (heavy profile; not kept in state.tsv)
};

struct ClaudePlan {
  uint64_t main_bytes = 0;
  std::vector<uint64_t> subagent_bytes;
  // Heavy profile: where and (about) when the session runs; nullptr/0 for the benchmark.
  const Project* project = nullptr;
  Millis start = 0;
};

// Writes one session (main transcript, sub-agent transcripts and their .meta.json), adds
// its usage to the Ledger and returns the session's state.
ClaudeSessionState write_claude_session(const GenContext& ctx, const ClaudePlan& plan, Rng& rng);

// Appends `turns` new prompts (with responses, tool calls and a final cost-state) to the
// session's main transcript. Returns bytes appended.
uint64_t append_claude_turns(const GenContext& ctx, ClaudeSessionState& state, int turns, Rng& rng);

// ---- Codex CLI ---------------------------------------------------------------------------

struct CodexUsage {
  uint64_t input = 0, cached = 0, output = 0, reasoning = 0;
  uint64_t total() const { return input + output; }
};

struct CodexThreadState {
  std::string path;
  std::string thread_id, root_id, cwd, model;
  Millis last_ts = 0;
  uint64_t ctx = 0, ordinal = 0;
  CodexUsage thread;  // thread_token_usage so far
  CodexUsage last;    // the last response's usage (what a stale token_count repeats)
  bool is_subagent = false;
};

struct CodexPlan {
  uint64_t bytes = 0;
  // Empty for a user thread; else the parent thread this sub-agent was spawned from.
  std::string parent_thread, parent_cwd;
  Millis parent_time = 0;
  // Heavy profile, a user thread: where and (about) when it runs.
  const Project* project = nullptr;
  Millis start = 0;
};

CodexThreadState write_codex_thread(const GenContext& ctx, const CodexPlan& plan, Rng& rng);

// Appends `turns` turns as `codex exec resume` does (a resumed turn first repeats the last
// token_count). Returns bytes appended.
uint64_t append_codex_turns(const GenContext& ctx, CodexThreadState& state, int turns, Rng& rng);

// ---- Gemini CLI --------------------------------------------------------------------------

struct GeminiChatState {
  std::string path;
  std::string session_id, project, model;
  Millis last_ts = 0;
  uint64_t ctx = 0;
};

// `project_dir` is the chat's directory name under .gemini/tmp (registered in projects.json);
// in the heavy profile `project` is its project and `start` about when it begins.
GeminiChatState write_gemini_chat(const GenContext& ctx, uint64_t bytes,
                                  const std::string& project_dir, Rng& rng,
                                  const Project* project = nullptr, Millis start = 0);

uint64_t append_gemini_turns(const GenContext& ctx, GeminiChatState& state, int turns, Rng& rng);

// Heavy profile: the bytes a log keeps of a tool's output, and the tokens the whole output
// adds to the model's context (a file read, a test run): thousands of tokens for a short
// excerpt, so a heavy user's tokens fit in a demo's bytes. `median` and `max` are the
// agent's (`max` keeps a request inside the model's context window).
inline uint64_t heavy_result_bytes(Rng& rng) { return rng.lognormal(120, 0.8, 20, 2'000); }
inline uint64_t heavy_result_tokens(Rng& rng, double median, uint64_t max) {
  return rng.lognormal(median, 1.1, 60, max);
}

// Picks the session start and the typical gap between turns so that a session of about
// `est_turns` turns ends before `ctx.end`.
struct SessionClock {
  Millis start = 0;
  Millis turn_gap = 0;  // median gap between prompts
};
SessionClock plan_clock(const GenContext& ctx, uint64_t est_turns, Rng& rng);
// The heavy profile's clock: a session of about `est_turns` turns that starts at `start`,
// or earlier when it would not end before `ctx.end`. Draws nothing.
SessionClock slot_clock(const GenContext& ctx, Millis start, uint64_t est_turns);

}  // namespace tally::corpus
