#include "analytics/blocks.h"

#include <algorithm>
#include <set>

namespace tally::analytics {
namespace {

constexpr TimeMs kHourMs = 60LL * 60 * 1000;
constexpr TimeMs kMinuteMs = 60LL * 1000;

// Floors to the UTC hour; also right for negative times.
TimeMs floor_hour(TimeMs t) {
  const TimeMs r = t % kHourMs;
  return r < 0 ? t - r - kHourMs : t - r;
}

void finish(Block& b, const std::set<std::string>& models, TimeMs now) {
  b.models.assign(models.begin(), models.end());
  b.active = b.start <= now && now < b.end;
  const TimeMs span_end = b.active ? std::max(now, b.last_ts) : b.last_ts;
  const TimeMs span = span_end - b.first_ts;
  if (span < kMinuteMs) {
    return;
  }
  const double minutes = static_cast<double>(span) / static_cast<double>(kMinuteMs);
  const double tokens = static_cast<double>(b.tokens.total());
  b.tokens_per_minute = tokens / minutes;
  b.cost_per_hour = b.cost_usd / (minutes / 60.0);
  if (b.active) {
    const double left = static_cast<double>(b.end - now) / static_cast<double>(kMinuteMs);
    b.projected_tokens = tokens + *b.tokens_per_minute * left;
    b.projected_cost_usd = b.cost_usd + *b.cost_per_hour * left / 60.0;
  }
}

}  // namespace

std::vector<Block> build_blocks(const std::vector<store::UsageEvent>& events, TimeMs now) {
  std::vector<const store::UsageEvent*> sorted;
  sorted.reserve(events.size());
  for (const store::UsageEvent& e : events) {
    sorted.push_back(&e);
  }
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const store::UsageEvent* a, const store::UsageEvent* b) { return a->ts < b->ts; });
  std::vector<Block> blocks;
  std::set<std::string> models;
  for (const store::UsageEvent* e : sorted) {
    if (blocks.empty() || e->ts >= blocks.back().end) {
      if (!blocks.empty()) {
        finish(blocks.back(), models, now);
        models.clear();
      }
      Block b;
      b.start = floor_hour(e->ts);
      b.end = b.start + kBlockMs;
      b.first_ts = e->ts;
      blocks.push_back(std::move(b));
    }
    Block& b = blocks.back();
    b.last_ts = e->ts;
    ++b.requests;
    b.tokens += e->tokens;
    b.cost_usd += e->cost_usd;
    if (e->cost_source == CostSource::unpriced) {
      ++b.unpriced_requests;
    }
    models.insert(e->model);
  }
  if (!blocks.empty()) {
    finish(blocks.back(), models, now);
  }
  return blocks;
}

const Block* active_block(const std::vector<Block>& blocks) {
  for (const Block& b : blocks) {
    if (b.active) {
      return &b;
    }
  }
  return nullptr;
}

Result<std::optional<Block>> current_block(store::Ledger& ledger, TimeMs now) {
  // Which 15-minute buckets hold records, from the ledger's rollup (cheap at any size).
  store::GroupBy by_bucket;
  by_bucket.time_bucket = true;
  auto rows = ledger.aggregate(store::RecordFilter{}, by_bucket);
  TALLY_TRY(rows);
  std::vector<TimeMs> buckets;
  buckets.reserve(rows->size());
  for (const store::AggregateRow& r : *rows) {
    buckets.push_back(r.bucket);
  }
  std::sort(buckets.begin(), buckets.end());
  // Walk the chain of blocks (analytics/blocks.h). A block ends on the hour, which is a
  // bucket boundary, so "the first record at or after the end" lies in the first non-empty
  // bucket at or after it, and that record's hour is the bucket's hour: the chain of block
  // starts is exact from buckets alone.
  TimeMs start = 0;
  TimeMs end = 0;
  bool any = false;
  for (const TimeMs b : buckets) {
    if (!any || b >= end) {
      start = b - ((b % kHourMs) + kHourMs) % kHourMs;
      end = start + kBlockMs;
      any = true;
    }
  }
  if (!any || now < start || now >= end) {
    return std::optional<Block>();
  }
  // The records of the last block, cut and measured by the one block computation.
  store::RecordFilter filter;
  filter.since = start;
  auto events = ledger.events(filter);
  TALLY_TRY(events);
  const std::vector<Block> blocks = build_blocks(*events, now);
  const Block* active = active_block(blocks);
  return active ? std::optional<Block>(*active) : std::nullopt;
}

}  // namespace tally::analytics
