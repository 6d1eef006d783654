// The in-memory backend's queries (memory_state.h): the same answers as the SQLite
// backend's SQL, computed over the maps. Rows come in the order of their group key's texts,
// as the SQLite backend gives them.

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

#include "store/memory_state.h"

namespace tally::store {
namespace {

bool matches(const UsageRecord& r, const RecordFilter& f) {
  if ((f.since && r.ts < *f.since) || (f.until && r.ts >= *f.until)) {
    return false;
  }
  if (f.agent && r.agent != *f.agent) {
    return false;
  }
  if (!f.project.empty() && r.project.find(f.project) == std::string::npos) {
    return false;
  }
  auto starts = [](const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
  };
  if (!f.session.empty() && !starts(r.session_id, f.session) &&
      !starts(root_session_of(r), f.session)) {
    return false;
  }
  return f.root_session.empty() || root_session_of(r) == f.root_session;
}

}  // namespace

std::vector<AggregateRow> memory_aggregate(const MemoryState& s, const RecordFilter& filter,
                                           const GroupBy& group) {
  using Key = std::tuple<std::int64_t, std::string_view, std::string_view, std::string_view,
                         std::string_view, std::string_view, std::string_view, std::string_view,
                         std::string_view>;
  std::map<Key, AggregateRow> rows;
  for (const auto& [id, stored] : s.records) {
    const UsageRecord& r = stored.record;
    if (!matches(r, filter)) {
      continue;
    }
    std::int64_t bucket = 0;
    if (group.time_bucket) {
      bucket = (r.ts / kBucketMs) * kBucketMs;
      if (group.local_days) {
        bucket = group.local_days->start_of(group.local_days->local_date(bucket));
      }
    }
    const std::string_view none;
    const std::string_view session = group.session        ? std::string_view(r.session_id)
                                     : group.root_session ? std::string_view(root_session_of(r))
                                                          : none;
    const Key key{bucket,
                  group.agent ? agent_name(r.agent) : none,
                  group.model ? std::string_view(r.model) : none,
                  group.project ? std::string_view(r.project) : none,
                  session,
                  cost_source_name(stored.cost.source),
                  group.user ? std::string_view(r.user) : none,
                  group.machine ? std::string_view(r.machine) : none,
                  group.team ? std::string_view(r.team) : none};
    auto [it, fresh] = rows.try_emplace(key);
    AggregateRow& row = it->second;
    if (fresh) {
      row.bucket = bucket;
      row.agent = group.agent ? r.agent : Agent::claude;
      row.model = std::get<2>(key);
      row.project = std::get<3>(key);
      row.session = session;
      row.cost_source = stored.cost.source;
      row.user = std::get<6>(key);
      row.machine = std::get<7>(key);
      row.team = std::get<8>(key);
      row.first_ts = r.ts;
      row.last_ts = r.ts;
    }
    ++row.requests;
    row.fast_requests += in_fast_mode(r) ? 1 : 0;
    row.tokens += r.tokens;
    row.cost_usd += stored.cost.usd;
    row.standard_cost_usd += stored.cost.standard_usd;
    row.first_ts = std::min(row.first_ts, r.ts);
    row.last_ts = std::max(row.last_ts, r.ts);
  }
  std::vector<AggregateRow> out;
  out.reserve(rows.size());
  for (auto& [key, row] : rows) {
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<UsageEvent> memory_events(const MemoryState& s, const RecordFilter& filter) {
  std::vector<UsageEvent> out;
  for (const auto& [id, stored] : s.records) {  // id order: ties in ts keep it
    const UsageRecord& r = stored.record;
    if (!matches(r, filter)) {
      continue;
    }
    UsageEvent e;
    e.ts = r.ts;
    e.agent = r.agent;
    e.kind = r.kind;
    e.session_id = r.session_id;
    e.root_session = root_session_of(r);
    e.project = r.project;
    e.model = r.model;
    e.effort = r.effort;
    e.speed = r.speed;
    e.fast_mode = in_fast_mode(r);
    e.tokens = r.tokens;
    e.cost_usd = stored.cost.usd;
    e.standard_cost_usd = stored.cost.standard_usd;
    e.cost_source = stored.cost.source;
    out.push_back(std::move(e));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const UsageEvent& a, const UsageEvent& b) { return a.ts < b.ts; });
  return out;
}

std::vector<TimeMs> memory_active_buckets(const MemoryState& s, std::optional<TimeMs> since) {
  std::set<TimeMs> buckets;
  for (const auto& [id, stored] : s.records) {
    const TimeMs bucket = (stored.record.ts / kBucketMs) * kBucketMs;  // as memory_aggregate
    if (!since || bucket >= *since) {
      buckets.insert(bucket);
    }
  }
  return {buckets.begin(), buckets.end()};
}

std::vector<PriceCheckRow> memory_price_check(const MemoryState& s) {
  std::map<std::pair<std::string_view, std::string>, PriceCheckRow> rows;
  for (const auto& [id, stored] : s.records) {
    const UsageRecord& r = stored.record;
    PriceCheckRow& row = rows[{agent_name(r.agent), r.model}];
    row.agent = r.agent;
    row.model = r.model;
    row.priced_as = std::max(row.priced_as, stored.cost.priced_as);
    ++row.requests;
    if (stored.cost.source == CostSource::unpriced) {
      ++row.unpriced_requests;
    }
    if (stored.cost.source == CostSource::agent_reported) {
      ++row.reported_requests;
      row.reported_only_usd += r.reported_cost_usd.value_or(0);
    }
  }
  // tally's cost against the agent's own figure, per whole session: the latest snapshot of
  // each session and model that carries a cost, next to the computed cost of the session's
  // records of that model (sub-agents and unlogged calls included).
  std::map<std::tuple<Agent, std::string, std::string>, const CumulativeSnapshot*> latest;
  for (const auto& [key, snap] : s.snapshots) {
    if (!snap.cost_usd) {
      continue;
    }
    auto& slot = latest[{snap.agent, snap.session_id, snap.model}];
    if (slot == nullptr || snap.ts > slot->ts ||
        (snap.ts == slot->ts && snap.source_offset > slot->source_offset)) {
      slot = &snap;
    }
  }
  for (const auto& [key, snap] : latest) {
    std::int64_t requests = 0;
    double computed = 0;
    for (const auto& [id, stored] : s.records) {
      const UsageRecord& r = stored.record;
      if (r.agent == snap->agent && root_session_of(r) == snap->session_id &&
          r.model == snap->model && stored.cost.source == CostSource::computed) {
        ++requests;
        computed += stored.cost.usd;
      }
    }
    auto it = rows.find({agent_name(snap->agent), snap->model});
    if (requests == 0 || it == rows.end()) {
      continue;
    }
    it->second.both_requests += requests;
    it->second.computed_usd += computed;
    it->second.reported_usd += *snap->cost_usd;
  }
  std::vector<PriceCheckRow> out;
  for (auto& [key, row] : rows) {
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace tally::store
