#pragma once

// Reconciliation of cumulative, agent-reported totals against logged records.
//
// Claude Code's `cost-state` is the session's running per-model total, sub-agents included,
// rewritten after every turn. Some billed calls (/compact, the session title) never get an
// assistant line, so for each snapshot i:
//
//     missing_i = max(0, snapshot_i - logged records up to snapshot_i's time)   per field
//
// is spend that no line records. The last snapshot is the truth for the session, so the
// unlogged total is missing_last. To date that spend sensibly (a /compact on Tuesday should
// not land on Monday) the sequence is made non-decreasing by a backward running minimum,
//
//     m_last = missing_last,  m_i = min(missing_i, m_{i+1}),
//
// and each positive step m_i - m_{i-1} becomes one `unlogged` record at snapshot i's time.
// The steps are never negative and sum exactly to missing_last, so the session total equals
// the last snapshot: never more (no cost-state on top of the lines), never less.
//
// Agent-reported cost: when the price table lacks a model, the snapshot's costUSD is the
// only price there is. It is spread over the session's records of that model in proportion
// to a reference weight (input 1, cache read 0.1, 5m write 1.25, 1h write 2, output 5:
// Anthropic's published ratios), so the session sums to exactly what the agent reported.

#include <span>
#include <string>
#include <vector>

#include "core/usage.h"

namespace tally::store {

// A logged record as reconciliation sees it.
struct LoggedUsage {
  std::string model;
  TimeMs ts = 0;
  TokenCounts tokens;
};

// Returns the unlogged records for `session` (root session id) given all its snapshots and
// all its logged records (both in any order). Record ids are
// "unlogged:<agent>:<session>:<model>:<n>" and stable for the same inputs.
std::vector<UsageRecord> unlogged_records(const std::string& session,
                                          std::span<const CumulativeSnapshot> snapshots,
                                          std::span<const LoggedUsage> logged);

// The reference weight of `tokens` for spreading an agent-reported cost.
double reference_weight(const TokenCounts& tokens);

}  // namespace tally::store
