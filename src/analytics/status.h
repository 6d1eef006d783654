#pragma once

// What `tally statusline` shows, computed: the session's cost (sub-agents and unlogged
// calls in), today's cost in the local zone, the active 5-hour block's burn rate and the
// context in use, from a ledger already brought up to date. Data in, facts out; printing is
// render/status_renderer.h.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/time.h"
#include "sources/claude_hook.h"
#include "store/ledger.h"

namespace tally::analytics {

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

// Gathers the facts from `ledger` for the session and model `hook` names, as of `now`.
// Fails only when the ledger does.
Result<StatusFacts> gather_status(store::Ledger& ledger, const Zone& zone,
                                  const sources::HookInput& hook, TimeMs now);

// The context window of `model_id` in tokens, from the model's published facts
// (docs: ../shared/spec/pricing.md §1.3): 1M for Claude 4.6+ and for ids with the "[1m]"
// beta suffix, 200k for earlier Claude 4.x and 3.x. nullopt when tally does not know the
// model: the caller then shows the token count without a percentage rather than guess.
std::optional<std::int64_t> context_window_for(std::string_view model_id);

}  // namespace tally::analytics
