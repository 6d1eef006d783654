#include "store/reconcile.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace tally::store {
namespace {

TokenCounts clamp_sub(const TokenCounts& a, const TokenCounts& b) {
  TokenCounts out;
  out.input = std::max<std::int64_t>(0, a.input - b.input);
  out.cache_read = std::max<std::int64_t>(0, a.cache_read - b.cache_read);
  out.cache_write = std::max<std::int64_t>(0, a.cache_write - b.cache_write);
  out.cache_write_1h = std::max<std::int64_t>(0, a.cache_write_1h - b.cache_write_1h);
  out.output = std::max<std::int64_t>(0, a.output - b.output);
  out.reasoning = std::max<std::int64_t>(0, a.reasoning - b.reasoning);
  return out;
}

TokenCounts field_min(const TokenCounts& a, const TokenCounts& b) {
  TokenCounts out;
  out.input = std::min(a.input, b.input);
  out.cache_read = std::min(a.cache_read, b.cache_read);
  out.cache_write = std::min(a.cache_write, b.cache_write);
  out.cache_write_1h = std::min(a.cache_write_1h, b.cache_write_1h);
  out.output = std::min(a.output, b.output);
  out.reasoning = std::min(a.reasoning, b.reasoning);
  return out;
}

TokenCounts minus(const TokenCounts& a, const TokenCounts& b) {
  TokenCounts out;
  out.input = a.input - b.input;
  out.cache_read = a.cache_read - b.cache_read;
  out.cache_write = a.cache_write - b.cache_write;
  out.cache_write_1h = a.cache_write_1h - b.cache_write_1h;
  out.output = a.output - b.output;
  out.reasoning = a.reasoning - b.reasoning;
  return out;
}

bool any_positive(const TokenCounts& t) {
  return t.input > 0 || t.cache_read > 0 || t.cache_write > 0 || t.cache_write_1h > 0 ||
         t.output > 0 || t.reasoning > 0;
}

}  // namespace

double reference_weight(const TokenCounts& t) {
  const double write_5m = static_cast<double>(t.cache_write - t.cache_write_1h);
  return static_cast<double>(t.input) + 0.1 * static_cast<double>(t.cache_read) + 1.25 * write_5m +
         2.0 * static_cast<double>(t.cache_write_1h) + 5.0 * static_cast<double>(t.output);
}

std::vector<UsageRecord> unlogged_records(const std::string& session,
                                          std::span<const CumulativeSnapshot> snapshots,
                                          std::span<const LoggedUsage> logged) {
  std::map<std::string, std::vector<const CumulativeSnapshot*>> by_model;
  for (const CumulativeSnapshot& s : snapshots) {
    by_model[s.model].push_back(&s);
  }
  std::map<std::string, std::vector<const LoggedUsage*>> logged_by_model;
  for (const LoggedUsage& l : logged) {
    logged_by_model[l.model].push_back(&l);
  }

  std::vector<UsageRecord> out;
  for (auto& [model, snaps] : by_model) {
    std::stable_sort(snaps.begin(), snaps.end(), [](const auto* a, const auto* b) {
      return a->ts != b->ts ? a->ts < b->ts : a->source_offset < b->source_offset;
    });
    std::vector<const LoggedUsage*>& lines = logged_by_model[model];
    std::stable_sort(lines.begin(), lines.end(),
                     [](const auto* a, const auto* b) { return a->ts < b->ts; });

    // missing_i per snapshot, by a merge walk over the time-ordered lines.
    std::vector<TokenCounts> missing(snaps.size());
    TokenCounts logged_so_far;
    size_t next_line = 0;
    for (size_t i = 0; i < snaps.size(); ++i) {
      while (next_line < lines.size() && lines[next_line]->ts <= snaps[i]->ts) {
        logged_so_far += lines[next_line]->tokens;
        ++next_line;
      }
      missing[i] = clamp_sub(snaps[i]->tokens, logged_so_far);
    }
    // The last snapshot sees every line, including any timestamped after it.
    TokenCounts all_logged;
    for (const LoggedUsage* l : lines) {
      all_logged += l->tokens;
    }
    missing.back() = clamp_sub(snaps.back()->tokens, all_logged);
    for (size_t i = missing.size() - 1; i-- > 0;) {
      missing[i] = field_min(missing[i], missing[i + 1]);
    }

    TokenCounts previous;
    int n = 0;
    for (size_t i = 0; i < snaps.size(); ++i) {
      const TokenCounts step = minus(missing[i], previous);
      previous = missing[i];
      if (!any_positive(step)) {
        continue;
      }
      UsageRecord r;
      r.id = fmt::format("unlogged:{}:{}:{}:{}", agent_name(snaps[i]->agent), session, model, n++);
      r.agent = snaps[i]->agent;
      r.kind = RecordKind::unlogged;
      r.ts = snaps[i]->ts;
      r.session_id = session;
      r.model = model;
      r.tokens = step;
      r.source_file = snaps[i]->source_file;
      r.source_offset = snaps[i]->source_offset;
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace tally::store
