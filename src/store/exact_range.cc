#include "store/exact_range.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace tally::store {
namespace {

TimeMs floor_bucket(TimeMs t) {
  const TimeMs r = t % kBucketMs;
  return r < 0 ? t - r - kBucketMs : t - r;
}

TimeMs ceil_bucket(TimeMs t) {
  const TimeMs f = floor_bucket(t);
  return f == t ? t : f + kBucketMs;
}

using Key = std::tuple<std::int64_t, Agent, std::string, std::string, std::string, CostSource,
                       std::string, std::string, std::string>;

Key key_of(const AggregateRow& r) {
  return {r.bucket, r.agent,       r.model, r.project, r.session,
          r.cost_source, r.user, r.machine, r.team};
}

void add_into(AggregateRow& into, const AggregateRow& r) {
  into.requests += r.requests;
  into.fast_requests += r.fast_requests;
  into.tokens += r.tokens;
  into.cost_usd += r.cost_usd;
  into.standard_cost_usd += r.standard_cost_usd;
  into.first_ts = std::min(into.first_ts, r.first_ts);
  into.last_ts = std::max(into.last_ts, r.last_ts);
}

}  // namespace

Result<std::vector<AggregateRow>> aggregate_exact(Backend& backend, const RecordFilter& filter,
                                                  const GroupBy& group) {
  const bool by_session = group.session || group.root_session || !filter.session.empty() ||
                          !filter.root_session.empty();
  const bool ragged_since = filter.since && floor_bucket(*filter.since) != *filter.since;
  const bool ragged_until = filter.until && floor_bucket(*filter.until) != *filter.until;
  if (by_session || (!ragged_since && !ragged_until)) {
    return backend.aggregate(filter, group);
  }
  const TimeMs lo = filter.since ? ceil_bucket(*filter.since) : 0;
  const TimeMs hi = filter.until ? floor_bucket(*filter.until) : 0;
  if (filter.since && filter.until && lo >= hi) {
    // Within two buckets: the records themselves are few.
    return backend.aggregate(filter, group);
  }
  RecordFilter middle = filter;
  if (ragged_since) {
    middle.since = lo;
  }
  if (ragged_until) {
    middle.until = hi;
  }
  auto rows = backend.aggregate(middle, group);
  TALLY_TRY(rows);
  std::map<Key, size_t> index;
  for (size_t i = 0; i < rows->size(); ++i) {
    index.emplace(key_of((*rows)[i]), i);
  }
  auto add_edge = [&](TimeMs since, TimeMs until) -> Status {
    RecordFilter edge = filter;
    edge.since = since;
    edge.until = until;
    auto part = backend.aggregate(edge, group);
    TALLY_TRY(part);
    for (AggregateRow& r : *part) {
      if (group.time_bucket && group.local_days) {
        r.bucket = group.local_days->start_of(group.local_days->local_date(r.bucket));
      }
      auto [it, added] = index.emplace(key_of(r), rows->size());
      if (added) {
        rows->push_back(std::move(r));
      } else {
        add_into((*rows)[it->second], r);
      }
    }
    return ok();
  };
  if (ragged_since) {
    TALLY_TRY(add_edge(*filter.since, lo));
  }
  if (ragged_until) {
    TALLY_TRY(add_edge(hi, *filter.until));
  }
  if (group.time_bucket) {
    std::stable_sort(rows->begin(), rows->end(),
                     [](const AggregateRow& a, const AggregateRow& b) { return a.bucket < b.bucket; });
  }
  return rows;
}

}  // namespace tally::store
