#include "analytics/watch.h"

#include <algorithm>
#include <map>

namespace tally::analytics {
namespace {

constexpr TimeMs kMinuteMs = 60 * 1000;
constexpr TimeMs kInFlightMs = 15 * kMinuteMs;
constexpr std::size_t kRecentSessions = 5;

}  // namespace

Result<WatchPanel> build_watch_panel(store::Ledger& ledger, const Zone& zone,
                                     const store::RecordFilter& base, TimeMs now) {
  WatchPanel p;
  p.now = now;
  store::RecordFilter today = base;
  today.since = zone.start_of(zone.local_date(now));
  auto rows = ledger.aggregate(today, store::GroupBy{});
  TALLY_TRY(rows);
  for (const store::AggregateRow& r : *rows) {
    p.today_cost += r.cost_usd;
    p.today_tokens += r.tokens.total();
    p.today_requests += r.requests;
    p.today_unpriced = p.today_unpriced || r.cost_source == CostSource::unpriced;
  }

  auto block = current_block(ledger, now);
  TALLY_TRY(block);
  p.block = *block;

  store::RecordFilter recent_events = base;
  recent_events.since = now - kInFlightMs;
  auto events = ledger.events(recent_events);
  TALLY_TRY(events);
  std::map<std::string, InFlight> flights;
  for (const store::UsageEvent& e : *events) {
    const std::string& root = e.root_session.empty() ? e.session_id : e.root_session;
    InFlight& f = flights[root];
    f.session = root;
    f.agent = e.agent;
    f.project = e.project;
    f.last = std::max(f.last, e.ts);
  }
  for (auto& [id, f] : flights) {
    p.in_flight.push_back(std::move(f));
  }
  std::sort(p.in_flight.begin(), p.in_flight.end(),
            [](const InFlight& a, const InFlight& b) { return a.last > b.last; });

  store::RecordFilter week = base;
  week.since = now - 7 * 24 * 60 * kMinuteMs;
  store::GroupBy by_session;
  by_session.root_session = true;
  by_session.project = true;
  auto sessions = ledger.aggregate(week, by_session);
  TALLY_TRY(sessions);
  std::map<std::string, RecentSession> merged;  // one row per session, however it splits
  for (const store::AggregateRow& r : *sessions) {
    RecentSession& s = merged[r.session];
    s.session = r.session;
    if (s.project.empty()) {
      s.project = r.project;
    }
    s.cost_usd += r.cost_usd;
    s.tokens += r.tokens.total();
    s.last = std::max(s.last, r.last_ts);
  }
  for (auto& [id, s] : merged) {
    p.recent.push_back(std::move(s));
  }
  std::sort(p.recent.begin(), p.recent.end(),
            [](const RecentSession& a, const RecentSession& b) { return a.last > b.last; });
  if (p.recent.size() > kRecentSessions) {
    p.recent.resize(kRecentSessions);
  }
  return p;
}

}  // namespace tally::analytics
