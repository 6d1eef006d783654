#include "store/sqlite/sqlite_rows.h"

#include <fmt/format.h>

namespace tally::store {

CostSource parse_cost_source(const std::string& s) {
  if (s == "computed") {
    return CostSource::computed;
  }
  if (s == "agent-reported") {
    return CostSource::agent_reported;
  }
  return CostSource::unpriced;
}

Result<Agent> stored_agent(std::string_view name) {
  if (std::optional<Agent> agent = parse_agent(name)) {
    return *agent;
  }
  return fail(Errc::unsupported,
              fmt::format("the ledger has a row with unknown agent '{}'; this tally knows {}", name,
                          agent_names()));
}

TokenCounts read_tokens(const Statement& s, int first) {
  TokenCounts t;
  t.input = s.int64(first);
  t.cache_read = s.int64(first + 1);
  t.cache_write = s.int64(first + 2);
  t.cache_write_1h = s.int64(first + 3);
  t.output = s.int64(first + 4);
  t.reasoning = s.int64(first + 5);
  return t;
}

void bind_tokens(Statement& s, int first, const TokenCounts& t) {
  s.bind(first, t.input);
  s.bind(first + 1, t.cache_read);
  s.bind(first + 2, t.cache_write);
  s.bind(first + 3, t.cache_write_1h);
  s.bind(first + 4, t.output);
  s.bind(first + 5, t.reasoning);
}

namespace {

// The insert both statements share: the column order bind_record() binds.
constexpr std::string_view kInsertUsageHead = R"sql(
INSERT INTO usage (id, agent, kind, ts, session_id, parent_session_id, root_session, project,
  model, effort, speed, service_tier, request_id, input_tokens, cache_read_tokens,
  cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, total_tokens,
  web_search_requests, reported_cost_usd, cost_usd, cost_source, priced_as, sidechain,
  source_file, source_offset, source_line, user_name, machine, team, inference_geo,
  standard_cost_usd)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
  ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34))sql";

const std::string kInsertUsageSql =
    std::string(kInsertUsageHead) + "\nON CONFLICT (id) DO NOTHING\n";
const std::string kReplaceUsageSql = std::string(kInsertUsageHead) + R"sql(
ON CONFLICT (id) DO UPDATE SET agent = excluded.agent, kind = excluded.kind, ts = excluded.ts,
  session_id = excluded.session_id, parent_session_id = excluded.parent_session_id,
  root_session = excluded.root_session, project = excluded.project, model = excluded.model,
  effort = excluded.effort, speed = excluded.speed, service_tier = excluded.service_tier,
  request_id = excluded.request_id, input_tokens = excluded.input_tokens,
  cache_read_tokens = excluded.cache_read_tokens, cache_write_tokens = excluded.cache_write_tokens,
  cache_write_1h_tokens = excluded.cache_write_1h_tokens, output_tokens = excluded.output_tokens,
  reasoning_tokens = excluded.reasoning_tokens, total_tokens = excluded.total_tokens,
  web_search_requests = excluded.web_search_requests,
  reported_cost_usd = excluded.reported_cost_usd, cost_usd = excluded.cost_usd,
  cost_source = excluded.cost_source, priced_as = excluded.priced_as,
  sidechain = excluded.sidechain, source_file = excluded.source_file,
  source_offset = excluded.source_offset, source_line = excluded.source_line,
  user_name = excluded.user_name, machine = excluded.machine, team = excluded.team,
  inference_geo = excluded.inference_geo, standard_cost_usd = excluded.standard_cost_usd
)sql";

}  // namespace

const std::string_view kInsertUsage = kInsertUsageSql;
const std::string_view kReplaceUsage = kReplaceUsageSql;

namespace {
constexpr std::string_view kRecordColumnList =
    "id, agent, kind, ts, session_id, parent_session_id, project, model, effort, speed, "
    "service_tier, request_id, input_tokens, cache_read_tokens, cache_write_tokens, "
    "cache_write_1h_tokens, output_tokens, reasoning_tokens, web_search_requests, "
    "reported_cost_usd, sidechain, source_file, source_offset, source_line, user_name, "
    "machine, team, inference_geo";
constexpr int column_count(std::string_view list) {
  int n = 1;
  for (const char c : list) {
    n += c == ',' ? 1 : 0;
  }
  return n;
}
static_assert(column_count(kRecordColumnList) == kRecordColumnCount);
}  // namespace

const std::string_view kRecordColumns = kRecordColumnList;

Result<UsageRecord> read_record(const Statement& s) {
  UsageRecord r;
  r.id = s.text(0);
  auto agent = stored_agent(s.text(1));
  TALLY_TRY(agent);
  r.agent = *agent;
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
  r.tokens = read_tokens(s, 12);
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
  s.bind_ref(7, root_session_of(r));
  s.bind_ref(8, r.project);
  s.bind_ref(9, r.model);
  s.bind_ref(10, r.effort);
  s.bind_ref(11, r.speed);
  s.bind_ref(12, r.service_tier);
  s.bind_ref(13, r.request_id);
  bind_tokens(s, 14, r.tokens);
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

const std::string_view kInsertFacts =
    "INSERT OR REPLACE INTO session_facts (agent, session_id, file_key, path, "
    "parent_session_id, project, title, first_ts, last_ts, user_prompts, errors, "
    "compactions, lines_added, lines_removed, commands, responses, compaction_tokens, "
    "tool_calls, edit_calls, shell_calls, web_searches, web_fetches, files_touched, "
    "files_touched_more, machine, git_marks, git_marks_more) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
    "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, "
    "?26, ?27)";

const std::string_view kFactsColumns =
    "agent, session_id, parent_session_id, project, title, first_ts, last_ts, user_prompts, "
    "errors, compactions, lines_added, lines_removed, commands, responses, compaction_tokens, "
    "tool_calls, edit_calls, shell_calls, web_searches, web_fetches, files_touched, "
    "files_touched_more, git_marks, git_marks_more";

void bind_facts(Statement& s, const SessionFacts& f, const std::string& machine,
                const std::string& path) {
  s.bind(1, agent_name(f.agent));
  s.bind(2, f.session_id);
  s.bind(3, f.file_key);
  s.bind(4, path);
  s.bind(5, f.parent_session_id);
  s.bind(6, f.project);
  s.bind(7, f.title);
  s.bind(8, f.first_ts);
  s.bind(9, f.last_ts);
  s.bind(10, f.user_prompts);
  s.bind(11, f.errors);
  s.bind(12, f.compactions);
  s.bind(13, f.lines_added);
  s.bind(14, f.lines_removed);
  s.bind(15, f.commands);
  s.bind(16, f.responses);
  s.bind(17, encode_ints(f.compaction_tokens));
  s.bind(18, encode_tool_calls(f.tool_calls));
  s.bind(19, f.edit_calls);
  s.bind(20, f.shell_calls);
  s.bind(21, f.web_searches);
  s.bind(22, f.web_fetches);
  s.bind(23, encode_paths(f.files_touched));
  s.bind(24, f.files_touched_more);
  s.bind(25, machine);
  s.bind(26, encode_git_marks(f.git_marks));
  s.bind(27, f.git_marks_more);
}

Result<SessionFacts> read_facts(const Statement& s) {
  SessionFacts f;
  auto agent = stored_agent(s.text(0));
  TALLY_TRY(agent);
  f.agent = *agent;
  f.session_id = s.text(1);
  f.parent_session_id = s.text(2);
  f.project = s.text(3);
  f.title = s.text(4);
  f.first_ts = s.int64(5);
  f.last_ts = s.int64(6);
  f.user_prompts = s.int64(7);
  f.errors = s.int64(8);
  f.compactions = s.int64(9);
  f.lines_added = s.int64(10);
  f.lines_removed = s.int64(11);
  f.commands = s.int64(12);
  f.responses = s.int64(13);
  auto sizes = decode_ints(s.text(14));
  TALLY_TRY(sizes);
  f.compaction_tokens = std::move(*sizes);
  auto tools = decode_tool_calls(s.text(15));
  TALLY_TRY(tools);
  f.tool_calls = std::move(*tools);
  f.edit_calls = s.int64(16);
  f.shell_calls = s.int64(17);
  f.web_searches = s.int64(18);
  f.web_fetches = s.int64(19);
  f.files_touched = decode_paths(s.text(20));
  f.files_touched_more = s.int64(21);
  auto marks = decode_git_marks(s.text(22));
  TALLY_TRY(marks);
  f.git_marks = std::move(*marks);
  f.git_marks_more = s.int64(23);
  return f;
}

namespace {

// Cursors of `machine` selected by `path` (when not empty) or by min_mtime_ns; parser_state
// is read only `with_state`.
Result<std::vector<FileCursor>> select_cursors(Database& db, const std::string& machine,
                                               const std::string& path, std::int64_t min_mtime_ns,
                                               bool with_state) {
  // The covering index files_cursor answers the scan of every cursor alone.
  auto stmt = db.prepare_cached(
      std::string("SELECT path, agent, device, inode, size, mtime_ns, read_offset, lines, "
                  "head_hash, head_len, ") +
      (with_state ? "parser_state" : "''") + " FROM files WHERE machine = ?1" +
      (path.empty() ? " AND mtime_ns >= ?2" : " AND path = ?2"));
  TALLY_TRY(stmt);
  stmt->bind(1, machine);
  if (path.empty()) {
    stmt->bind(2, min_mtime_ns);
  } else {
    stmt->bind(2, path);
  }
  std::vector<FileCursor> out;
  TALLY_TRY(for_each_row(*stmt, [&]() -> Status {
    FileCursor c;
    c.machine = machine;
    c.path = stmt->text(0);
    auto agent = stored_agent(stmt->text(1));
    if (!agent) {
      return Unexpected{agent.error()};
    }
    c.agent = *agent;
    c.device = static_cast<std::uint64_t>(stmt->int64(2));
    c.inode = static_cast<std::uint64_t>(stmt->int64(3));
    c.size = stmt->int64(4);
    c.mtime_ns = stmt->int64(5);
    c.offset = stmt->int64(6);
    c.lines = stmt->int64(7);
    c.head_hash = static_cast<std::uint64_t>(stmt->int64(8));
    c.head_len = stmt->int64(9);
    c.parser_state = stmt->text(10);
    out.push_back(std::move(c));
    return ok();
  }));
  return out;
}

}  // namespace

Result<std::vector<FileCursor>> read_file_cursors(Database& db, const std::string& machine,
                                                  std::int64_t min_mtime_ns) {
  return select_cursors(db, machine, "", min_mtime_ns, /*with_state=*/false);
}

Result<std::optional<FileCursor>> read_file_cursor(Database& db, const std::string& machine,
                                                   const std::string& path, bool with_state) {
  if (path.empty()) {
    return std::optional<FileCursor>();
  }
  auto found = select_cursors(db, machine, path, 0, with_state);
  TALLY_TRY(found);
  if (found->empty()) {
    return std::optional<FileCursor>();
  }
  return std::optional<FileCursor>(std::move(found->front()));
}

Result<std::int64_t> read_stream_sequence(Database& db, const std::string& machine,
                                          const std::string& source) {
  auto stmt = db.prepare_cached("SELECT sequence FROM streams WHERE machine = ?1 AND source = ?2");
  TALLY_TRY(stmt);
  stmt->bind(1, machine);
  stmt->bind(2, source);
  auto has = stmt->step();
  TALLY_TRY(has);
  return *has ? stmt->int64(0) : std::int64_t{0};
}

Result<std::vector<CumulativeSnapshot>> read_snapshots(Database& db, const SessionKey& key) {
  auto stmt = db.prepare_cached(
      "SELECT source_file, source_offset, model, ts, input_tokens, cache_read_tokens, "
      "cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, "
      "web_search_requests, cost_usd FROM snapshots WHERE agent = ?1 AND session_id = ?2");
  TALLY_TRY(stmt);
  stmt->bind(1, agent_name(key.agent));
  stmt->bind(2, key.session);
  std::vector<CumulativeSnapshot> out;
  TALLY_TRY(for_each_row(*stmt, [&] {
    CumulativeSnapshot s;
    s.agent = key.agent;
    s.session_id = key.session;
    s.source_file = stmt->text(0);
    s.source_offset = stmt->int64(1);
    s.model = stmt->text(2);
    s.ts = stmt->int64(3);
    s.tokens = read_tokens(*stmt, 4);
    s.web_search_requests = stmt->int64(10);
    if (!stmt->is_null(11)) {
      s.cost_usd = stmt->real(11);
    }
    out.push_back(std::move(s));
  }));
  return out;
}

Result<std::vector<SessionKey>> read_session_keys(Database& db, std::string_view sql) {
  auto stmt = db.prepare_cached(sql);
  TALLY_TRY(stmt);
  std::vector<SessionKey> out;
  TALLY_TRY(for_each_row(*stmt, [&]() -> Status {
    auto agent = stored_agent(stmt->text(0));
    if (!agent) {
      return Unexpected{agent.error()};
    }
    out.push_back(SessionKey{*agent, stmt->text(1)});
    return ok();
  }));
  return out;
}

Result<std::string> read_meta(Database& db, const std::string& key) {
  auto stmt = db.prepare_cached("SELECT value FROM meta WHERE key = ?1");
  TALLY_TRY(stmt);
  stmt->bind(1, key);
  auto has = stmt->step();
  TALLY_TRY(has);
  return *has ? stmt->text(0) : std::string();
}

}  // namespace tally::store
