// Read-side queries of the SQLite ledger: grouped sums (from the 15-minute rollup when it
// can answer, else from the records) and the records as timeline events.

#include "store/sqlite/sqlite_queries.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_rows.h"

namespace tally::store {
namespace {

// The WHERE clause for `filter` over `ts_column` (the usage table's ts, or the rollup's
// bucket; the rollup has no sessions), with parameters ?1..?6 that bind_filter() binds.
std::string filter_where(const RecordFilter& filter, std::string_view ts_column) {
  std::string where = "1 = 1";
  if (filter.since) {
    where += fmt::format(" AND {} >= ?1", ts_column);
  }
  if (filter.until) {
    where += fmt::format(" AND {} < ?2", ts_column);
  }
  if (filter.agent) {
    where += " AND agent = ?3";
  }
  if (!filter.project.empty()) {
    where += " AND instr(project, ?4) > 0";
  }
  if (!filter.session.empty()) {
    where +=
        " AND (substr(session_id, 1, length(?5)) = ?5 OR substr(root_session, 1, length(?5)) = "
        "?5)";
  }
  if (!filter.root_session.empty()) {
    where += " AND root_session = ?6";
  }
  return where;
}

void bind_filter(Statement& stmt, const RecordFilter& filter) {
  if (filter.since) {
    stmt.bind(1, *filter.since);
  }
  if (filter.until) {
    stmt.bind(2, *filter.until);
  }
  if (filter.agent) {
    stmt.bind(3, agent_name(*filter.agent));
  }
  if (!filter.project.empty()) {
    stmt.bind(4, filter.project);
  }
  if (!filter.session.empty()) {
    stmt.bind(5, filter.session);
  }
  if (!filter.root_session.empty()) {
    stmt.bind(6, filter.root_session);
  }
}

// Numbers for texts, in order of first sight.
class Interner {
 public:
  int id(std::string_view text) {
    auto it = ids_.find(text);
    if (it != ids_.end()) {
      return it->second;
    }
    const int id = static_cast<int>(names_.size());
    names_.emplace_back(text);
    ids_.emplace(std::string(text), id);
    return id;
  }
  const std::string& name(int id) const { return names_[static_cast<size_t>(id)]; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, int, Hash, std::equal_to<>> ids_;
  std::deque<std::string> names_;  // stable addresses: name() references outlive growth
};

// The rollup's rows, summed into the groups asked for in C++. SQLite's GROUP BY sorted the
// rows first (the groups are not a prefix of the rollup's key), which was most of a warm
// report's time.
Result<std::vector<AggregateRow>> aggregate_rollup(Database& db, const RecordFilter& filter,
                                                   const GroupBy& group) {
  auto stmt = db.prepare_cached(
      fmt::format("SELECT bucket, agent, model, project, cost_source, requests, input_tokens, "
                  "cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens, "
                  "reasoning_tokens, cost_usd, standard_cost_usd, user_name, machine, team, "
                  "fast_requests FROM usage_rollup WHERE {}",
                  filter_where(filter, "bucket")));
  TALLY_TRY(stmt);
  bind_filter(*stmt, filter);
  // Texts become small numbers as they are first seen (a report sees a handful of agents,
  // models and cost sources and some projects), so grouping compares integers. Rows come in
  // the rollup's key order, so a column's text mostly repeats the row before: that is
  // checked first, which spares most rows the hashing.
  Interner names;
  const int none = names.id("");
  struct LastText {
    std::string text;
    int id = -1;
  };
  auto id_of = [&names](LastText& last, std::string_view text) {
    if (last.id < 0 || text != last.text) {
      last.text.assign(text);
      last.id = names.id(text);
    }
    return last.id;
  };
  LastText last_agent;
  LastText last_model;
  LastText last_project;
  LastText last_source;
  LastText last_user;
  LastText last_machine;
  LastText last_team;
  // The coarser bucket, computed once per run of equal buckets (rows come in bucket order).
  std::optional<std::int64_t> last_bucket;
  std::int64_t last_coarse = 0;
  const bool coarsen = group.time_bucket && group.local_days.has_value();
  // bucket, then agent, model, project, cost source, user, machine, team as interned ids.
  using Key = std::tuple<std::int64_t, std::array<int, 7>>;
  struct KeyHash {
    size_t operator()(const Key& k) const {
      constexpr std::uint64_t kMul = 0x100000001B3;
      std::uint64_t h = static_cast<std::uint64_t>(std::get<0>(k));
      for (int part : std::get<1>(k)) {
        h = (h ^ static_cast<std::uint32_t>(part)) * kMul;
      }
      return static_cast<size_t>(h ^ (h >> 29));
    }
  };
  // Hashed, not ordered: the rows are put in text order below, once.
  std::unordered_map<Key, AggregateRow, KeyHash> groups;
  groups.reserve(1024);
  TALLY_TRY(for_each_row(*stmt, [&]() -> Status {
    const std::int64_t bucket = stmt->int64(0);
    std::int64_t key_bucket = 0;
    if (coarsen) {
      if (last_bucket != bucket) {
        last_bucket = bucket;
        last_coarse = group.local_days->start_of(group.local_days->local_date(bucket));
      }
      key_bucket = last_coarse;
    } else if (group.time_bucket) {
      key_bucket = bucket;
    }
    const Key key{key_bucket,
                  {group.agent ? id_of(last_agent, stmt->text_view(1)) : none,
                   group.model ? id_of(last_model, stmt->text_view(2)) : none,
                   group.project ? id_of(last_project, stmt->text_view(3)) : none,
                   id_of(last_source, stmt->text_view(4)),
                   group.user ? id_of(last_user, stmt->text_view(14)) : none,
                   group.machine ? id_of(last_machine, stmt->text_view(15)) : none,
                   group.team ? id_of(last_team, stmt->text_view(16)) : none}};
    auto [it, fresh] = groups.try_emplace(key);
    AggregateRow& row = it->second;
    if (fresh) {
      const std::array<int, 7>& ids = std::get<1>(key);
      row.bucket = std::get<0>(key);
      if (group.agent) {
        auto agent = stored_agent(names.name(ids[0]));
        if (!agent) {
          return Unexpected{agent.error()};
        }
        row.agent = *agent;
      }
      row.model = names.name(ids[1]);
      row.project = names.name(ids[2]);
      row.cost_source = parse_cost_source(names.name(ids[3]));
      row.user = names.name(ids[4]);
      row.machine = names.name(ids[5]);
      row.team = names.name(ids[6]);
      row.first_ts = bucket;
      row.last_ts = bucket + kBucketMs - 1;
    }
    row.requests += stmt->int64(5);
    row.fast_requests += stmt->int64(17);
    row.tokens += read_tokens(*stmt, 6);
    row.cost_usd += stmt->real(12);
    row.standard_cost_usd += stmt->real(13);
    row.first_ts = std::min(row.first_ts, bucket);
    row.last_ts = std::max(row.last_ts, bucket + kBucketMs - 1);
    return ok();
  }));
  // Views into `names` (its strings never move), so sorting copies no text.
  using SortKey =
      std::tuple<std::int64_t, std::string_view, std::string_view, std::string_view,
                 std::string_view, std::string_view, std::string_view, std::string_view>;
  std::vector<std::pair<SortKey, AggregateRow*>> order;
  order.reserve(groups.size());
  for (auto& [key, row] : groups) {
    if (row.requests > 0) {  // rows emptied by deletes stay in the rollup at zero
      const std::array<int, 7>& ids = std::get<1>(key);
      order.emplace_back(
          SortKey(std::get<0>(key), names.name(ids[0]), names.name(ids[1]), names.name(ids[2]),
                  names.name(ids[3]), names.name(ids[4]), names.name(ids[5]), names.name(ids[6])),
          &row);
    }
  }
  // In the order of the texts, as SQL's GROUP BY gave them: callers sum the rows, and the
  // same order gives the same floating-point sums.
  std::sort(order.begin(), order.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<AggregateRow> rows;
  rows.reserve(order.size());
  for (auto& [key, row] : order) {
    rows.push_back(std::move(*row));
  }
  return rows;
}

}  // namespace

Result<std::vector<AggregateRow>> query_aggregate(Database& db, const RecordFilter& filter,
                                                  const GroupBy& group) {
  // The rollup (migration 4) answers whatever does not split or filter by session, as
  // long as the time bounds fall on its 15-minute buckets (every zone's midnight does).
  auto aligned = [](const std::optional<TimeMs>& t) { return !t || *t % kBucketMs == 0; };
  const bool rollup = !group.session && !group.root_session && filter.session.empty() &&
                      filter.root_session.empty() && aligned(filter.since) && aligned(filter.until);
  if (rollup) {
    return aggregate_rollup(db, filter, group);
  }
  std::vector<std::string> dims;
  if (group.time_bucket) {
    dims.push_back(fmt::format("(ts / {0}) * {0}", kBucketMs));
  }
  dims.push_back(group.agent ? "agent" : "''");
  dims.push_back(group.model ? "model" : "''");
  dims.push_back(group.project ? "project" : "''");
  dims.push_back(group.session ? "session_id" : group.root_session ? "root_session" : "''");
  dims.push_back("cost_source");
  dims.push_back(group.user ? "user_name" : "''");
  dims.push_back(group.machine ? "machine" : "''");
  dims.push_back(group.team ? "team" : "''");
  std::string select = group.time_bucket ? "" : "0, ";
  std::string group_by;
  for (size_t i = 0; i < dims.size(); ++i) {
    select += dims[i] + ", ";
    if (dims[i] != "''") {
      group_by += (group_by.empty() ? "" : ", ") + dims[i];
    }
  }
  auto stmt = db.prepare_cached(
      fmt::format("SELECT {} COUNT(*), SUM(input_tokens), SUM(cache_read_tokens), "
                  "SUM(cache_write_tokens), SUM(cache_write_1h_tokens), SUM(output_tokens), "
                  "SUM(reasoning_tokens), SUM(cost_usd), MIN(ts), MAX(ts), "
                  "SUM(standard_cost_usd), SUM({}) FROM usage WHERE {} GROUP BY {} ORDER BY {}",
                  select, kFastModeSql, filter_where(filter, "ts"), group_by, group_by));
  TALLY_TRY(stmt);
  bind_filter(*stmt, filter);
  std::vector<AggregateRow> rows;
  TALLY_TRY(for_each_row(*stmt, [&]() -> Status {
    AggregateRow row;
    row.bucket = stmt->int64(0);
    if (group.agent) {
      auto agent = stored_agent(stmt->text(1));
      if (!agent) {
        return Unexpected{agent.error()};
      }
      row.agent = *agent;
    }
    row.model = stmt->text(2);
    row.project = stmt->text(3);
    row.session = stmt->text(4);
    row.cost_source = parse_cost_source(stmt->text(5));
    row.user = stmt->text(6);
    row.machine = stmt->text(7);
    row.team = stmt->text(8);
    row.requests = stmt->int64(9);
    row.tokens = read_tokens(*stmt, 10);
    row.cost_usd = stmt->real(16);
    row.first_ts = stmt->int64(17);
    row.last_ts = stmt->int64(18);
    row.standard_cost_usd = stmt->real(19);
    row.fast_requests = stmt->int64(20);
    rows.push_back(std::move(row));
    return ok();
  }));
  return rows;
}

// The rollup's buckets, from its key alone: bucket is the first column of its primary key,
// so this reads the key in order (the ORDER BY costs no sort) and sums nothing. Rows whose records
// were all deleted (the delete trigger leaves zeroed sums) count, as they do in aggregate_rollup().
Result<std::vector<TimeMs>> query_active_buckets(Database& db, std::optional<TimeMs> since) {
  auto stmt = db.prepare_cached(
      since ? "SELECT DISTINCT bucket FROM usage_rollup WHERE bucket >= ?1 ORDER BY bucket"
            : "SELECT DISTINCT bucket FROM usage_rollup ORDER BY bucket");
  TALLY_TRY(stmt);
  if (since) {
    stmt->bind(1, *since);
  }
  std::vector<TimeMs> out;
  TALLY_TRY(for_each_row(*stmt, [&]() -> Status {
    out.push_back(stmt->int64(0));
    return ok();
  }));
  return out;
}

// events()' order is (ts, id): SQLite sorted the wide rows for it, which was most of a
// status line's time on a long session. Here the narrow rows come in index order and are
// sorted in C++ by the same key.
Result<std::vector<TreeCost>> query_session_tree_costs(Database& db, Agent agent,
                                                       const std::string& root_session) {
  auto stmt = db.prepare_cached(
      "SELECT ts, id, session_id = ?2 AND kind = 'response', model, input_tokens, "
      "cache_read_tokens, cache_write_tokens, cost_usd, cost_source FROM usage "
      "WHERE agent = ?1 AND root_session = ?2");
  TALLY_TRY(stmt);
  stmt->bind(1, agent_name(agent));
  stmt->bind(2, root_session);
  std::vector<std::pair<std::string, TreeCost>> rows;  // id, row
  TALLY_TRY(for_each_row(*stmt, [&]() -> Status {
    TreeCost c;
    c.ts = stmt->int64(0);
    c.own_response = stmt->int64(2) != 0;
    if (c.own_response) {
      c.model = stmt->text(3);
    }
    TokenCounts t;
    t.input = stmt->int64(4);
    t.cache_read = stmt->int64(5);
    t.cache_write = stmt->int64(6);
    c.prompt_tokens = t.prompt();
    c.cost_usd = stmt->real(7);
    c.cost_source = parse_cost_source(stmt->text(8));
    rows.emplace_back(stmt->text(1), std::move(c));
    return ok();
  }));
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second.ts != b.second.ts ? a.second.ts < b.second.ts : a.first < b.first;
  });
  std::vector<TreeCost> out;
  out.reserve(rows.size());
  for (auto& [id, c] : rows) {
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<UsageEvent>> query_events(Database& db, const RecordFilter& filter) {
  auto stmt = db.prepare_cached(fmt::format(
      "SELECT ts, agent, kind, session_id, root_session, project, model, effort, speed, "
      "input_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, "
      "output_tokens, reasoning_tokens, cost_usd, standard_cost_usd, cost_source, {} "
      "FROM usage WHERE {} ORDER BY ts, id",
      kFastModeSql, filter_where(filter, "ts")));
  TALLY_TRY(stmt);
  bind_filter(*stmt, filter);
  std::vector<UsageEvent> out;
  TALLY_TRY(for_each_row(*stmt, [&]() -> Status {
    UsageEvent e;
    e.ts = stmt->int64(0);
    auto agent = stored_agent(stmt->text(1));
    if (!agent) {
      return Unexpected{agent.error()};
    }
    e.agent = *agent;
    e.kind = stmt->text(2) == "unlogged" ? RecordKind::unlogged : RecordKind::response;
    e.session_id = stmt->text(3);
    e.root_session = stmt->text(4);
    e.project = stmt->text(5);
    e.model = stmt->text(6);
    e.effort = stmt->text(7);
    e.speed = stmt->text(8);
    e.tokens = read_tokens(*stmt, 9);
    e.cost_usd = stmt->real(15);
    e.standard_cost_usd = stmt->real(16);
    e.cost_source = parse_cost_source(stmt->text(17));
    e.fast_mode = stmt->int64(18) != 0;
    out.push_back(std::move(e));
    return ok();
  }));
  return out;
}

}  // namespace tally::store
