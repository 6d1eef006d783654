#pragma once

// What `tally watch` shows, computed: today so far, the active 5-hour block with its burn
// rate and projection, the sessions in flight (a record in the last 15 minutes) and the last
// few sessions of the week. Data in, a panel out; render/watch_renderer.h draws it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/blocks.h"
#include "core/result.h"
#include "core/time.h"
#include "store/ledger.h"

namespace tally::analytics {

struct InFlight {
  std::string session;
  Agent agent = Agent::claude;
  std::string project;
  TimeMs last = 0;
};

struct RecentSession {
  std::string session;
  std::string project;
  double cost_usd = 0;
  std::int64_t tokens = 0;
  TimeMs last = 0;
};

struct WatchPanel {
  TimeMs now = 0;
  double today_cost = 0;
  std::int64_t today_tokens = 0;
  std::int64_t today_requests = 0;
  bool today_unpriced = false;
  std::optional<analytics::Block> block;
  std::vector<InFlight> in_flight;
  std::vector<RecentSession> recent;  // newest first, at most 5
};

// The panel for the records of `base` (agent and project; its times are replaced) as of
// `now`, in `zone`. In flight and recent sessions are newest first, one row per root session.
Result<WatchPanel> build_watch_panel(store::Ledger& ledger, const Zone& zone,
                                     const store::RecordFilter& base, TimeMs now);

}  // namespace tally::analytics
