#pragma once

// 5-hour blocks: the window Claude's session limits are counted in, with the burn rate
// inside it and a projection to its end.
//
// How blocks are cut (every number below is exact, computed from record timestamps):
// * Records are taken oldest first. The first record opens a block that starts at the
//   record's time floored to the UTC hour and lasts exactly 5 hours: [start, start + 5 h).
// * Every record before the block's end belongs to it. The first record at or after the end
//   opens the next block, again floored to the hour. So a gap of more than 5 hours without
//   records leaves no block in between, and blocks never overlap.
// * The block containing `now` (start <= now < end) is the active one; at most one is.
// * Burn rate: tokens per minute and dollars per hour over the block's elapsed active span,
//   from its first record to its last record, or to `now` for the active block (time spent
//   idle inside an active block lowers the rate, as it lowers the real burn). A span under
//   kMinRateSpanMs gives no rate (nullopt) and an active block says `too_early`: a burst of
//   responses a minute apart is not an hourly rate (24 of them once read "$236/h ·
//   projected $1073").
// * Projection (active block only): a range. High: what the block holds plus the burn rate
//   times the time left until its end. Low: the same at the block's average since its
//   start (the rate if the quiet start of the block repeats). Finished blocks have none.
// Sub-agents' and unlogged (reconciled) records count like any other record: they are spend
// inside the window.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/usage.h"
#include "store/ledger.h"

namespace tally::analytics {

inline constexpr TimeMs kBlockMs = 5LL * 60 * 60 * 1000;
// The least span of records a burn rate or a projection is made from.
inline constexpr TimeMs kMinRateSpanMs = 30LL * 60 * 1000;

struct Block {
  TimeMs start = 0;     // floored to the UTC hour
  TimeMs end = 0;       // start + 5 h, exclusive
  TimeMs first_ts = 0;  // first record in the block
  TimeMs last_ts = 0;   // last record in the block
  bool active = false;  // start <= now < end
  std::int64_t requests = 0;
  TokenCounts tokens;
  double cost_usd = 0;  // priced part; unpriced records add 0 (see unpriced_requests)
  std::int64_t unpriced_requests = 0;
  std::vector<std::string> models;  // sorted, distinct
  // Burn over [first_ts, active ? now : last_ts]; nullopt when that span is under
  // kMinRateSpanMs.
  std::optional<double> tokens_per_minute;
  std::optional<double> cost_per_hour;
  // Active block only: totals extrapolated to `end` at the burn rate (the high end) and at
  // the block's average since its start (the low end).
  std::optional<double> projected_tokens;
  std::optional<double> projected_cost_usd;
  std::optional<double> projected_tokens_low;
  std::optional<double> projected_cost_low_usd;
  bool too_early = false;  // active, with under kMinRateSpanMs of records: no rate yet
};

// Cuts `events` (any order; typically Ledger::events(), oldest first) into blocks, oldest
// first, as of `now`. Empty input gives no blocks.
std::vector<Block> build_blocks(const std::vector<store::UsageEvent>& events, TimeMs now);

// The active block of `blocks`, or nullptr when none is active. The pointer is into `blocks`.
const Block* active_block(const std::vector<Block>& blocks);

// The active 5-hour block as of `now`, or nullopt when none is active. Blocks form a chain
// from the first record in the ledger, so where the last one starts depends on the whole
// history; that chain is walked over the ledger's 15-minute buckets (exact, because blocks
// end on the hour) and only the last block's records are read and measured by
// build_blocks. For the statusline and `tally watch`, which must be quick at any size.
Result<std::optional<Block>> current_block(store::Ledger& ledger, TimeMs now);

}  // namespace tally::analytics
