#include "store/sqlite/record_writer.h"

#include "store/ledger.h"
#include "store/sqlite/sqlite_rows.h"

namespace tally::store {
namespace {

constexpr std::string_view kAddToRollup = R"sql(
INSERT INTO usage_rollup (bucket, agent, model, project, cost_source, user_name, machine, team,
  requests, input_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens,
  output_tokens, reasoning_tokens, cost_usd, standard_cost_usd)
VALUES (?1, ?2, ?3, ?4, ?5, ?15, ?16, ?17, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
ON CONFLICT (bucket, agent, model, project, cost_source, user_name, machine, team) DO UPDATE SET
  requests = requests + excluded.requests,
  input_tokens = input_tokens + excluded.input_tokens,
  cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
  cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
  cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens,
  output_tokens = output_tokens + excluded.output_tokens,
  reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
  cost_usd = cost_usd + excluded.cost_usd,
  standard_cost_usd = standard_cost_usd + excluded.standard_cost_usd
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
  Sums& s = pending_[Key{(r.ts / kBucketMs) * kBucketMs, r.agent, r.model, r.project, cost.source,
                         r.user, r.machine, r.team}];
  ++s.requests;
  s.tokens.input += r.tokens.input;
  s.tokens.cache_read += r.tokens.cache_read;
  s.tokens.cache_write += r.tokens.cache_write;
  s.tokens.cache_write_1h += r.tokens.cache_write_1h;
  s.tokens.output += r.tokens.output;
  s.tokens.reasoning += r.tokens.reasoning;
  s.cost_usd += cost.usd;
  s.standard_cost_usd += cost.standard_usd;
  return true;
}

Status RecordWriter::flush() {
  for (const auto& [key, s] : pending_) {
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
    TALLY_TRY(rollup_.run());
  }
  pending_.clear();
  return ok();
}

}  // namespace tally::store
