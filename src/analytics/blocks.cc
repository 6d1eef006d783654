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
  if (span < kMinRateSpanMs) {
    b.too_early = b.active;
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
    // The block's average since its start: never above the burn rate (start <= first_ts).
    const double since_start = static_cast<double>(span_end - b.start) / static_cast<double>(kMinuteMs);
    b.projected_tokens_low = tokens + tokens / since_start * left;
    b.projected_cost_low_usd = b.cost_usd + b.cost_usd / since_start * left;
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

namespace {

// The start of the block chain's link that holds the latest records: the block starts of
// analytics/blocks.h, walked over the 15-minute buckets that hold records (each bucket's
// hour is its records' hour, and a block ends on the hour, so the chain is exact from
// buckets alone). nullopt when there is no bucket.
struct ChainEnd {
  TimeMs start = 0;
  TimeMs end = 0;
};
std::optional<ChainEnd> last_link(const std::vector<TimeMs>& buckets, size_t from) {
  std::optional<ChainEnd> link;
  for (size_t i = from; i < buckets.size(); ++i) {
    const TimeMs b = buckets[i];
    if (!link || b >= link->end) {
      const TimeMs start = b - ((b % kHourMs) + kHourMs) % kHourMs;
      link = ChainEnd{start, start + kBlockMs};
    }
  }
  return link;
}

}  // namespace

Result<std::optional<Block>> current_block(store::Ledger& ledger, TimeMs now) {
  // Which 15-minute buckets hold records, from the ledger's rollup. The chain of blocks
  // restarts at the first bucket after any gap of 5 hours or more (the block before the gap
  // ends at most 5 hours after its last bucket), so only the buckets since the latest such
  // gap matter: a statusline refresh reads a day or two of buckets, not the whole history.
  // The look-back grows until it finds that gap, or covers everything.
  constexpr TimeMs kDayMs = 24 * kHourMs;
  std::optional<ChainEnd> link;
  for (TimeMs span = 2 * kDayMs;; span *= 4) {
    const bool everything = span > 4000 * kDayMs;
    TimeMs since = now - span;
    since -= ((since % store::kBucketMs) + store::kBucketMs) % store::kBucketMs;
    // The buckets alone (on a bucket boundary, from the rollup's key): no sums.
    auto active = ledger.active_buckets(everything ? std::nullopt : std::optional<TimeMs>(since));
    TALLY_TRY(active);
    std::vector<TimeMs>& buckets = *active;
    if (buckets.empty()) {
      break;  // nothing since `since`: no block can hold `now` (it would hold a record)
    }
    // The latest restart inside the window: after a gap of 5 hours between two buckets, or
    // at the first bucket when every older one (before `since`) is 5 hours before it.
    size_t restart = buckets.size();
    for (size_t i = buckets.size(); i-- > 1;) {
      if (buckets[i] - buckets[i - 1] >= kBlockMs) {
        restart = i;
        break;
      }
    }
    if (restart == buckets.size() && (everything || buckets.front() - since >= kBlockMs)) {
      restart = 0;
    }
    if (restart < buckets.size()) {
      link = last_link(buckets, restart);
      break;
    }
  }
  if (!link || now < link->start || now >= link->end) {
    return std::optional<Block>();
  }
  const TimeMs start = link->start;
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
