#pragma once

// The anatomy of one session (`tally session ID`): when it ran and for how long, what the
// user typed, what the model did with its tools, where the tokens and the money went, and
// its sub-agents with their own cost. Pure data, built from the ledger's session facts
// (what only the transcript knows: prompts, tool calls, compactions, files) and its usage
// records (tokens, models, efforts, costs, each response counted once).
//
// Active time and gaps. Every timestamp the ledger has for the session tree (each response,
// and the first and last line of each file) is sorted; two neighbours further apart than
// the idle limit (15 minutes unless told) are a gap, anything closer is active time. So a
// session resumed three days later shows one three-day gap, and its active time is the sum
// of the busy stretches between gaps.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/report.h"
#include "core/result.h"
#include "core/outcome.h"
#include "core/session_facts.h"
#include "core/time.h"
#include "core/usage.h"
#include "store/ledger.h"

namespace tally::analytics {

inline constexpr std::int64_t kDefaultIdleLimitMs = 15 * 60 * 1000;

struct SessionViewOptions {
  std::int64_t idle_limit_ms = kDefaultIdleLimitMs;  // a longer silence is a gap
  std::size_t max_gaps = 5;                          // the longest gaps listed
  std::optional<Agent> agent;                        // only this agent's sessions match
};

// A UTC instant with the offset of the user's zone at that instant, for printing.
struct Instant {
  TimeMs ms = 0;
  long utc_offset_s = 0;
};

struct SessionGap {
  Instant start;  // the last activity before the silence
  Instant end;    // the first activity after it
  std::int64_t duration_ms() const { return end.ms - start.ms; }
};

// Usage of one (model, effort) pair in the session tree.
struct ModelUse {
  std::string model;
  std::string effort;
  Totals totals;
};

struct SubAgentUse {
  std::string session_id;
  std::string models;  // sorted, comma-separated
  Instant start;
  Instant end;
  Totals totals;
  std::int64_t tool_calls = 0;
};

struct SessionAnatomy {
  Agent agent;
  std::string session_id;
  std::string project;
  std::string title;
  std::string zone;  // the zone instants are shown in
  Instant start;
  Instant end;
  std::int64_t active_ms = 0;
  std::int64_t idle_limit_ms = kDefaultIdleLimitMs;
  std::int64_t gap_count = 0;     // every gap longer than the limit
  std::int64_t gap_total_ms = 0;  // their summed length
  std::vector<SessionGap> gaps;   // the longest, longest first (at most max_gaps)
  // The session's own facts merged with its sub-agents' (tool calls, files, compactions),
  // except user_prompts and commands, which are the user's and so the root session's only.
  SessionFacts facts;
  Totals totals;               // the whole tree: the session and its sub-agents
  Totals own_totals;           // the session without its sub-agents
  std::int64_t responses = 0;  // logged model responses (records of kind response)
  std::int64_t unlogged = 0;   // records of spend no line shows (Claude /compact, titles)
  std::optional<double> cost_per_prompt;  // totals.cost_usd / user prompts; none without prompts
  std::vector<ModelUse> models;           // by cost, highest first
  std::vector<SubAgentUse> subagents;     // by start
  // What the session committed (issue 18), when the caller looked (`tally session` does,
  // through app/outcomes.h): its commits checked in their repositories and its PRs.
  bool outcomes_checked = false;
  std::vector<CommitOutcome> commits;
  std::vector<PullRequestOutcome> pull_requests;
  std::int64_t unchecked_commits = 0;  // commits its logs show that could not be checked
  std::vector<Warning> warnings;
};

// The shares of a token total that went to each bucket (0 when the total is 0).
struct TokenShares {
  double input = 0;
  double cache_read = 0;
  double cache_write = 0;
  double output = 0;
};
inline TokenShares token_shares(const TokenCounts& t) {
  const double total = static_cast<double>(t.total());
  if (total <= 0) {
    return {};
  }
  return TokenShares{
      static_cast<double>(t.input) / total, static_cast<double>(t.cache_read) / total,
      static_cast<double>(t.cache_write) / total, static_cast<double>(t.output) / total};
}

// Picks the one root session whose id starts with `prefix` from `candidates` (facts of the
// sessions matching it). A sub-agent stands for its parent. An exact id wins over longer
// ones. Fails with not_found when none matches and invalid_argument, listing them, when
// several do.
Result<SessionFacts> resolve_session(const std::string& prefix,
                                     const std::vector<SessionFacts>& candidates);

// Builds the anatomy of `root` from the facts of its sub-agents and every usage event of
// the tree (the root's and its sub-agents', any order). `zone` gives the offsets of the
// instants; null means UTC.
SessionAnatomy assemble_anatomy(const SessionFacts& root, const std::vector<SessionFacts>& subs,
                                const std::vector<store::UsageEvent>& events,
                                const SessionViewOptions& options, const Zone* zone);

// Looks `prefix` up in `ledger` and builds the anatomy of the session it names.
Result<SessionAnatomy> build_session_anatomy(store::Ledger& ledger, const std::string& prefix,
                                             const SessionViewOptions& options, const Zone* zone);

}  // namespace tally::analytics
