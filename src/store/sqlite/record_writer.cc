#include "store/sqlite/record_writer.h"

#include "store/ledger.h"
#include "store/sqlite/sqlite_rows.h"

namespace tally::store {
namespace {

constexpr std::string_view kAddToRollup = R"sql(
INSERT INTO usage_rollup (bucket, agent, model, project, cost_source, user_name, machine, team,
  requests, input_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens,
  output_tokens, reasoning_tokens, cost_usd, standard_cost_usd, fast_requests)
VALUES (?1, ?2, ?3, ?4, ?5, ?15, ?16, ?17, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?18)
ON CONFLICT (bucket, agent, model, project, cost_source, user_name, machine, team) DO UPDATE SET
  requests = requests + excluded.requests,
  input_tokens = input_tokens + excluded.input_tokens,
  cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
  cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
  cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens,
  output_tokens = output_tokens + excluded.output_tokens,
  reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
  cost_usd = cost_usd + excluded.cost_usd,
  standard_cost_usd = standard_cost_usd + excluded.standard_cost_usd,
  fast_requests = fast_requests + excluded.fast_requests
)sql";

}  // namespace

Result<RecordWriter> RecordWriter::open(Database& db) {
  auto insert = db.prepare_cached(kInsertUsage);
  TALLY_TRY(insert);
  auto replace = db.prepare_cached(kReplaceUsage);
  TALLY_TRY(replace);
  auto rollup = db.prepare_cached(kAddToRollup);
  TALLY_TRY(rollup);
  return RecordWriter(std::move(*insert), std::move(*replace), std::move(*rollup));
}

Status RecordWriter::replace(const UsageRecord& r, const pricing::Cost& cost) {
  // The UPDATE trigger moves the old row's sums out of the rollup and the new row's in. The
  // old row may be one of this writer's pending inserts, so the rollup must hold them first.
  TALLY_TRY(flush());
  TALLY_TRY(bind_record(replace_, r, cost));
  return replace_.run();
}

Result<bool> RecordWriter::insert(const UsageRecord& r, const pricing::Cost& cost) {
  TALLY_TRY(bind_record(insert_, r, cost));
  TALLY_TRY(insert_.run());
  if (sqlite3_changes(sqlite3_db_handle(insert_.handle())) == 0) {
    return false;
  }
  Sums& s = sums_of(r, cost.source);
  ++s.requests;
  s.fast_requests += in_fast_mode(r) ? 1 : 0;
  s.tokens += r.tokens;
  s.cost_usd += cost.usd;
  s.standard_cost_usd += cost.standard_usd;
  return true;
}

RecordWriter::Sums& RecordWriter::sums_of(const UsageRecord& r, CostSource source) {
  return pending_[Key{(r.ts / kBucketMs) * kBucketMs, r.agent, r.model, r.project, source, r.user,
                      r.machine, r.team}];
}

void RecordWriter::recost(const UsageRecord& row, CostSource old_source, double old_usd,
                          double old_standard_usd, const pricing::Cost& cost) {
  if (old_source != cost.source) {
    Sums& from = sums_of(row, old_source);
    --from.requests;
    from.fast_requests -= in_fast_mode(row) ? 1 : 0;
    from.tokens -= row.tokens;
    from.cost_usd -= old_usd;
    from.standard_cost_usd -= old_standard_usd;
    Sums& to = sums_of(row, cost.source);
    ++to.requests;
    to.fast_requests += in_fast_mode(row) ? 1 : 0;
    to.tokens += row.tokens;
    to.cost_usd += cost.usd;
    to.standard_cost_usd += cost.standard_usd;
    return;
  }
  Sums& s = sums_of(row, old_source);
  s.cost_usd += cost.usd - old_usd;
  s.standard_cost_usd += cost.standard_usd - old_standard_usd;
}

Status RecordWriter::flush() {
  for (const auto& [key, s] : pending_) {
    if (s.requests == 0 && s.tokens == TokenCounts{} && s.cost_usd == 0 &&
        s.standard_cost_usd == 0) {
      continue;  // a price that did not change: nothing to add
    }
    const auto& [bucket, agent, model, project, source, user, machine, team] = key;
    rollup_.bind(1, bucket);
    rollup_.bind(2, agent_name(agent));
    rollup_.bind(3, model);
    rollup_.bind(4, project);
    rollup_.bind(5, cost_source_name(source));
    rollup_.bind(6, s.requests);
    bind_tokens(rollup_, 7, s.tokens);
    rollup_.bind(13, s.cost_usd);
    rollup_.bind(14, s.standard_cost_usd);
    rollup_.bind(15, user);
    rollup_.bind(16, machine);
    rollup_.bind(17, team);
    rollup_.bind(18, s.fast_requests);
    TALLY_TRY(rollup_.run());
  }
  pending_.clear();
  return ok();
}

}  // namespace tally::store
