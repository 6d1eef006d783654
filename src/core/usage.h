#pragma once

// The normalised usage record: one per billed model response (agent-logs.md §1).
// Providers disagree on what "input" means, so the record keeps disjoint buckets
// and derives totals. Everything downstream of the adapters sees only this shape.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "core/agent.h"

namespace tally {

// Milliseconds since the Unix epoch, UTC.
using TimeMs = std::int64_t;

// Disjoint token buckets. `cache_write_1h` is the part of `cache_write` with a 1-hour TTL;
// `reasoning` is the part of `output` spent on reasoning (information only, never billed twice).
struct TokenCounts {
  std::int64_t input = 0;
  std::int64_t cache_read = 0;
  std::int64_t cache_write = 0;
  std::int64_t cache_write_1h = 0;
  std::int64_t output = 0;
  std::int64_t reasoning = 0;

  // input + cache read + cache write + output (reasoning is inside output).
  std::int64_t total() const { return input + cache_read + cache_write + output; }
  // What the model read for this request: the size that long-context tiers look at.
  std::int64_t prompt() const { return input + cache_read + cache_write; }

  TokenCounts& operator+=(const TokenCounts& o) {
    input += o.input;
    cache_read += o.cache_read;
    cache_write += o.cache_write;
    cache_write_1h += o.cache_write_1h;
    output += o.output;
    reasoning += o.reasoning;
    return *this;
  }
  TokenCounts& operator-=(const TokenCounts& o) {
    input -= o.input;
    cache_read -= o.cache_read;
    cache_write -= o.cache_write;
    cache_write_1h -= o.cache_write_1h;
    output -= o.output;
    reasoning -= o.reasoning;
    return *this;
  }
  bool operator==(const TokenCounts&) const = default;
};

enum class RecordKind {
  response,  // a response the agent logged
  unlogged,  // spend the agent's cumulative counter holds but no line records (Claude /compact)
};

std::string_view kind_name(RecordKind kind);

// Where a record's cost came from.
enum class CostSource {
  computed,        // tokens x tally's price table
  agent_reported,  // the agent's own cost figure (model missing from the price table)
  unpriced,        // no price anywhere: cost counts as 0 and every report warns
};

std::string_view cost_source_name(CostSource source);

struct UsageRecord {
  // Stable identity across re-reads, copies of a file and restarts (the dedupe key).
  std::string id;
  Agent agent;  // default: the registry's first agent
  RecordKind kind = RecordKind::response;
  TimeMs ts = 0;
  std::string session_id;
  std::string parent_session_id;  // sub-agents: the session that spawned them
  std::string project;            // cwd or repository
  std::string model;
  std::string effort;
  std::string speed;          // "fast" or "standard" ("" when unknown)
  std::string service_tier;   // "priority", "flex", ... ("" when unknown)
  std::string inference_geo;  // data residency ("us" bills 1.1x on Claude 4.6+); "" = global
  std::string request_id;
  TokenCounts tokens;
  std::int64_t web_search_requests = 0;
  // The agent's own cost for this record, if it reported one.
  std::optional<double> reported_cost_usd;
  // True when the line is a sidechain (sub-agent) copy; a main-chain copy of the same
  // response wins over it.
  bool sidechain = false;
  // Provenance.
  std::string source_file;
  std::int64_t source_offset = 0;
  std::int64_t source_line = 0;
  // Who: filled from config and the machine, for team roll-ups.
  std::string user;
  std::string machine;
  std::string team;

  bool operator==(const UsageRecord&) const = default;
};

// The fields that break a tie between two copies of one response with equal totals, in the
// order they are compared. Copies with the same total can still differ (a Codex sibling
// rollout's copy with another input/cached split, model or time): without a fixed order the
// ledger kept whichever copy was committed first, so the result depended on which scanning
// thread or process finished first (issue 15, item 7). Source path and offset are left out,
// so identical copies (a rollout and its archived copy) still tie and rewrite nothing.
inline auto copy_tie_key(const UsageRecord& r) {
  return std::tie(r.tokens.input, r.tokens.cache_read, r.tokens.cache_write,
                  r.tokens.cache_write_1h, r.tokens.output, r.tokens.reasoning,
                  r.web_search_requests, r.ts, r.model, r.session_id, r.parent_session_id,
                  r.project, r.effort, r.speed, r.service_tier, r.inference_geo);
}

// Whether the request ran in fast mode or at priority processing (ASCII case-insensitive, as
// pricing reads them): the "share of requests in fast/priority mode" of every report. The
// SQLite ledger counts the same rule in SQL (store/sqlite/schema.h kFastModeSql); the
// conformance suite checks that both agree.
inline bool in_fast_mode(const UsageRecord& r) {
  auto equals_lower = [](std::string_view text, std::string_view lower) {
    if (text.size() != lower.size()) {
      return false;
    }
    for (size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c >= 'A' && c <= 'Z') {
        c = static_cast<char>(c - 'A' + 'a');
      }
      if (c != lower[i]) {
        return false;
      }
    }
    return true;
  };
  return equals_lower(r.speed, "fast") || equals_lower(r.service_tier, "priority");
}

// The session a record rolls up into: the one that spawned it (a sub-agent's), else its own.
inline const std::string& root_session_of(const UsageRecord& r) {
  return r.parent_session_id.empty() ? r.session_id : r.parent_session_id;
}

// True when `candidate` should replace `kept`, two copies of the same response (same id):
// a main-chain copy beats a sidechain replay; otherwise the larger token total wins (older
// Claude versions wrote streaming snapshots with partial output); equal totals go to the
// copy whose copy_tie_key() is smaller (within a file that is the earliest of equal copies,
// as before). The result does not depend on the order copies arrive in. Applied by the
// accounting core (store/accountant.cc) for every backend, and by ingest's in-batch dedupe.
inline bool better_copy(const UsageRecord& candidate, const UsageRecord& kept) {
  if (candidate.sidechain != kept.sidechain) {
    return !candidate.sidechain;
  }
  const std::int64_t candidate_total = candidate.tokens.total();
  const std::int64_t kept_total = kept.tokens.total();
  if (candidate_total != kept_total) {
    return candidate_total > kept_total;
  }
  return copy_tie_key(candidate) < copy_tie_key(kept);
}

// A cumulative, agent-reported total for one session and model at one point in time,
// covering the session's logged responses, its sub-agents, and calls no line records.
// The ledger turns "snapshot minus logged records" into `unlogged` records (reconcile.h).
struct CumulativeSnapshot {
  Agent agent;  // default: the registry's first agent
  std::string session_id;
  std::string model;
  TimeMs ts = 0;  // the neighbouring line's time: snapshots carry none of their own
  TokenCounts tokens;
  std::int64_t web_search_requests = 0;
  std::optional<double> cost_usd;
  std::string source_file;
  std::int64_t source_offset = 0;
};

}  // namespace tally
