#include "analytics/status.h"

#include "analytics/blocks.h"
#include "core/agent.h"

namespace tally::analytics {

std::optional<std::int64_t> context_window_for(std::string_view model_id) {
  constexpr std::int64_t k200k = 200'000;
  constexpr std::int64_t k1m = 1'000'000;
  if (model_id.ends_with("[1m]")) {
    return k1m;
  }
  // Claude 4.6 and later have 1M context at the standard price; earlier ones 200k.
  for (std::string_view m : {"claude-opus-4-6", "claude-opus-4-7", "claude-opus-4-8",
                             "claude-sonnet-4-6", "claude-sonnet-5", "claude-opus-5"}) {
    if (model_id.starts_with(m)) {
      return k1m;
    }
  }
  for (std::string_view m : {"claude-opus-4", "claude-sonnet-4", "claude-haiku-4", "claude-3"}) {
    if (model_id.starts_with(m)) {
      return k200k;
    }
  }
  return std::nullopt;
}

Result<StatusFacts> gather_status(store::Ledger& ledger, const Zone& zone,
                                  const sources::HookInput& hook, TimeMs now) {
  StatusFacts f;
  f.model = !hook.model_name.empty() ? hook.model_name : hook.model_id;
  std::string model_id = hook.model_id;
  // The hook's agent: the one whose statusline hook tally serves (core/agent.h).
  const std::optional<Agent> hook_agent = agent_with(&AgentCapabilities::statusline_hook);
  if (!hook.session_id.empty() && hook_agent) {
    // The hook is Claude Code's, and its session is a main session (its own records have
    // it as their root): this session and its sub-agents, by the (agent, root_session)
    // index, not by scanning every record for an id prefix; narrow rows, in events() order.
    auto records = ledger.session_tree_costs(*hook_agent, hook.session_id);
    TALLY_TRY(records);
    TimeMs last_main = -1;
    for (const store::TreeCost& r : *records) {
      f.session_found = true;
      f.session_cost += r.cost_usd;
      f.session_unpriced = f.session_unpriced || r.cost_source == CostSource::unpriced;
      if (r.own_response && r.ts >= last_main) {
        last_main = r.ts;
        f.context_tokens = r.prompt_tokens;
        if (hook.model_id.empty()) {
          model_id = r.model;
        }
      }
    }
  }
  if (f.model.empty()) {
    f.model = model_id;
  }
  if (f.context_tokens) {
    f.context_window =
        hook.context_window_size ? hook.context_window_size : context_window_for(model_id);
  }

  store::RecordFilter today;
  today.since = zone.start_of(zone.local_date(now));
  auto rows = ledger.aggregate(today, store::GroupBy{});
  TALLY_TRY(rows);
  for (const store::AggregateRow& r : *rows) {
    f.today_cost += r.cost_usd;
    f.today_unpriced = f.today_unpriced || r.cost_source == CostSource::unpriced;
  }

  auto block = current_block(ledger, now);
  TALLY_TRY(block);
  if (*block) {
    f.burn_per_hour = (*block)->cost_per_hour;
  }
  return f;
}

}  // namespace tally::analytics
