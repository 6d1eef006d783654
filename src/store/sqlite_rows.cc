#include "store/sqlite_rows.h"

namespace tally::store {

std::string root_of(const UsageRecord& r) {
  return r.parent_session_id.empty() ? r.session_id : r.parent_session_id;
}

CostSource parse_cost_source(const std::string& s) {
  if (s == "computed") {
    return CostSource::computed;
  }
  if (s == "agent-reported") {
    return CostSource::agent_reported;
  }
  return CostSource::unpriced;
}

Agent agent_or_claude(const std::string& s) { return parse_agent(s).value_or(Agent::claude); }

const std::string_view kUpsertUsage = R"sql(
INSERT INTO usage (id, agent, kind, ts, session_id, parent_session_id, root_session, project,
  model, effort, speed, service_tier, request_id, input_tokens, cache_read_tokens,
  cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, total_tokens,
  web_search_requests, reported_cost_usd, cost_usd, cost_source, priced_as, sidechain,
  source_file, source_offset, source_line, user_name, machine, team, inference_geo,
  standard_cost_usd)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
  ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34)
ON CONFLICT (id) DO UPDATE SET agent = excluded.agent, kind = excluded.kind, ts = excluded.ts,
  session_id = excluded.session_id, parent_session_id = excluded.parent_session_id,
  root_session = excluded.root_session, project = excluded.project, model = excluded.model,
  effort = excluded.effort, speed = excluded.speed, service_tier = excluded.service_tier,
  request_id = excluded.request_id, input_tokens = excluded.input_tokens,
  cache_read_tokens = excluded.cache_read_tokens, cache_write_tokens = excluded.cache_write_tokens,
  cache_write_1h_tokens = excluded.cache_write_1h_tokens, output_tokens = excluded.output_tokens,
  reasoning_tokens = excluded.reasoning_tokens, total_tokens = excluded.total_tokens,
  web_search_requests = excluded.web_search_requests,
  reported_cost_usd = COALESCE(excluded.reported_cost_usd, usage.reported_cost_usd),
  cost_usd = excluded.cost_usd, cost_source = excluded.cost_source,
  priced_as = excluded.priced_as, sidechain = excluded.sidechain,
  source_file = excluded.source_file, source_offset = excluded.source_offset,
  source_line = excluded.source_line, user_name = excluded.user_name,
  machine = excluded.machine, team = excluded.team, inference_geo = excluded.inference_geo,
  standard_cost_usd = excluded.standard_cost_usd
WHERE excluded.sidechain < usage.sidechain
   OR (excluded.sidechain = usage.sidechain AND excluded.total_tokens > usage.total_tokens)
)sql";

const std::string_view kRecordColumns =
    "id, agent, kind, ts, session_id, parent_session_id, project, model, effort, speed, "
    "service_tier, request_id, input_tokens, cache_read_tokens, cache_write_tokens, "
    "cache_write_1h_tokens, output_tokens, reasoning_tokens, web_search_requests, "
    "reported_cost_usd, sidechain, source_file, source_offset, source_line, user_name, "
    "machine, team, inference_geo";

UsageRecord read_record(const Statement& s) {
  UsageRecord r;
  r.id = s.text(0);
  r.agent = agent_or_claude(s.text(1));
  r.kind = s.text(2) == "unlogged" ? RecordKind::unlogged : RecordKind::response;
  r.ts = s.int64(3);
  r.session_id = s.text(4);
  r.parent_session_id = s.text(5);
  r.project = s.text(6);
  r.model = s.text(7);
  r.effort = s.text(8);
  r.speed = s.text(9);
  r.service_tier = s.text(10);
  r.request_id = s.text(11);
  r.tokens.input = s.int64(12);
  r.tokens.cache_read = s.int64(13);
  r.tokens.cache_write = s.int64(14);
  r.tokens.cache_write_1h = s.int64(15);
  r.tokens.output = s.int64(16);
  r.tokens.reasoning = s.int64(17);
  r.web_search_requests = s.int64(18);
  if (!s.is_null(19)) {
    r.reported_cost_usd = s.real(19);
  }
  r.sidechain = s.int64(20) != 0;
  r.source_file = s.text(21);
  r.source_offset = s.int64(22);
  r.source_line = s.int64(23);
  r.user = s.text(24);
  r.machine = s.text(25);
  r.team = s.text(26);
  r.inference_geo = s.text(27);
  return r;
}

Status bind_record(Statement& s, const UsageRecord& r, const pricing::Cost& cost) {
  // Every string is bound by reference: `r`, `cost` and the static names outlive the
  // statement's run, which the caller does before they go.
  s.bind_ref(1, r.id);
  s.bind_ref(2, agent_name(r.agent));
  s.bind_ref(3, kind_name(r.kind));
  s.bind(4, r.ts);
  s.bind_ref(5, r.session_id);
  s.bind_ref(6, r.parent_session_id);
  s.bind_ref(7, r.parent_session_id.empty() ? r.session_id : r.parent_session_id);  // root_of
  s.bind_ref(8, r.project);
  s.bind_ref(9, r.model);
  s.bind_ref(10, r.effort);
  s.bind_ref(11, r.speed);
  s.bind_ref(12, r.service_tier);
  s.bind_ref(13, r.request_id);
  s.bind(14, r.tokens.input);
  s.bind(15, r.tokens.cache_read);
  s.bind(16, r.tokens.cache_write);
  s.bind(17, r.tokens.cache_write_1h);
  s.bind(18, r.tokens.output);
  s.bind(19, r.tokens.reasoning);
  s.bind(20, r.tokens.total());
  s.bind(21, r.web_search_requests);
  s.bind(22, r.reported_cost_usd);
  s.bind(23, cost.usd);
  s.bind_ref(24, cost_source_name(cost.source));
  s.bind_ref(25, cost.priced_as);
  s.bind(26, std::int64_t{r.sidechain ? 1 : 0});
  s.bind_ref(27, r.source_file);
  s.bind(28, r.source_offset);
  s.bind(29, r.source_line);
  s.bind_ref(30, r.user);
  s.bind_ref(31, r.machine);
  s.bind_ref(32, r.team);
  s.bind_ref(33, r.inference_geo);
  s.bind(34, cost.standard_usd);
  return ok();
}
}  // namespace tally::store
