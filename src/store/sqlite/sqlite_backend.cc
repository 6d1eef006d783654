// The SQLite backend (store/backend.h for the port's contracts): one file, WAL, migrations
// in schema.h, writes in sqlite_write.h, grouped sums in sqlite_queries.h.

#include "store/sqlite/sqlite_backend.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "store/accountant.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_queries.h"
#include "store/sqlite/sqlite_rows.h"
#include "store/sqlite/sqlite_write.h"

namespace tally::store {
namespace {

class SqliteBackend final : public Backend {
 public:
  explicit SqliteBackend(Database db) : db_(std::move(db)) {}

  Status migrate() {
    auto stored_version = db_.query_int("PRAGMA user_version");
    TALLY_TRY(stored_version);
    const std::int64_t version = *stored_version;
    if (version > static_cast<std::int64_t>(kMigrations.size())) {
      return fail(Errc::unsupported,
                  fmt::format("the ledger has schema version {}, newer than this tally knows "
                              "({}); upgrade tally",
                              version, kMigrations.size()));
    }
    if (version == static_cast<std::int64_t>(kMigrations.size())) {
      return ok();
    }
    if (db_.read_only()) {
      return fail(Errc::unsupported,
                  fmt::format("the ledger has schema version {}, older than this tally's ({}), "
                              "and this user may not write it to upgrade it: run tally once "
                              "as a user who may",
                              version, kMigrations.size()));
    }
    auto tx = Transaction::begin(db_);
    TALLY_TRY(tx);
    // Re-read inside the write lock: another process may have migrated meanwhile.
    auto again = db_.query_int("PRAGMA user_version");
    TALLY_TRY(again);
    std::int64_t current = *again;
    for (; current < static_cast<std::int64_t>(kMigrations.size()); ++current) {
      TALLY_TRY(db_.exec(std::string(kMigrations[static_cast<size_t>(current)])));
      TALLY_TRY(db_.exec(fmt::format("PRAGMA user_version = {}", current + 1)));
    }
    return tx->commit();
  }

  Result<std::unique_ptr<BackendWrite>> begin_write() override { return begin_sqlite_write(db_); }

  Result<std::optional<FileCursor>> file_cursor(const std::string& machine,
                                                const std::string& path) override {
    return read_file_cursor(db_, machine, path, /*with_state=*/true);
  }

  Result<std::vector<FileCursor>> file_cursors(const std::string& machine,
                                               std::int64_t min_mtime_ns) override {
    return read_file_cursors(db_, machine, min_mtime_ns);
  }

  Result<std::int64_t> stream_sequence(const std::string& machine,
                                       const std::string& source) override {
    return read_stream_sequence(db_, machine, source);
  }

  Result<bool> any_dirty() override {
    auto any = db_.query_int("SELECT EXISTS (SELECT 1 FROM dirty_sessions)");
    TALLY_TRY(any);
    return *any != 0;
  }

  Result<std::string> meta(const std::string& key) override { return read_meta(db_, key); }

  void end_bulk_load() override { db_.end_bulk_load(); }

  bool read_only() const override { return db_.read_only(); }

  Result<std::vector<TimeMs>> active_buckets(std::optional<TimeMs> since) override {
    return query_active_buckets(db_, since);
  }

  Result<std::vector<TreeCost>> session_tree_costs(Agent agent,
                                                   const std::string& root_session) override {
    return query_session_tree_costs(db_, agent, root_session);
  }

  Result<std::vector<AggregateRow>> aggregate(const RecordFilter& filter,
                                              const GroupBy& group) override {
    return query_aggregate(db_, filter, group);
  }

  Result<std::vector<UsageEvent>> events(const RecordFilter& filter) override {
    return query_events(db_, filter);
  }

  Result<ProblemSummary> problems(std::int64_t limit) override {
    ProblemSummary out;
    auto count = db_.query_int("SELECT COUNT(*) FROM problems");
    TALLY_TRY(count);
    out.total = *count;
    auto stmt = db_.prepare_cached(
        "SELECT path, line, offset, what FROM problems ORDER BY path, line, machine LIMIT ?1");
    TALLY_TRY(stmt);
    stmt->bind(1, limit);
    TALLY_TRY(for_each_row(*stmt, [&] {
      out.first.push_back(
          ParseProblem{stmt->text(0), stmt->int64(1), stmt->int64(2), stmt->text(3)});
    }));
    return out;
  }

  Result<std::vector<SessionFacts>> file_facts(const std::string& prefix) override {
    auto stmt = db_.prepare_cached(
        fmt::format("SELECT {} FROM session_facts WHERE substr(session_id, 1, length(?1)) = ?1 "
                    "ORDER BY agent, session_id, first_ts, file_key, machine",
                    kFactsColumns));
    TALLY_TRY(stmt);
    stmt->bind(1, prefix);
    std::vector<SessionFacts> out;
    Status row_status = ok();
    TALLY_TRY(for_each_row(*stmt, [&] {
      auto f = read_facts(*stmt);
      if (!f) {
        row_status = Unexpected{f.error()};
      } else {
        out.push_back(std::move(*f));
      }
    }));
    TALLY_TRY(row_status);
    return out;
  }

  Result<std::int64_t> record_count() override {
    return db_.query_int("SELECT COUNT(*) FROM usage");
  }

  Result<std::vector<PriceCheckRow>> price_check() override {
    std::map<std::pair<std::string, std::string>, PriceCheckRow> rows;
    {
      auto stmt = db_.prepare_cached(
          "SELECT agent, model, MAX(priced_as), COUNT(*), SUM(cost_source = 'unpriced'), "
          "SUM(cost_source = 'agent-reported'), "
          "TOTAL(CASE WHEN cost_source = 'agent-reported' THEN reported_cost_usd END) "
          "FROM usage GROUP BY agent, model");
      TALLY_TRY(stmt);
      TALLY_TRY(for_each_row(*stmt, [&]() -> Status {
        PriceCheckRow r;
        auto agent = stored_agent(stmt->text(0));
        if (!agent) {
          return Unexpected{agent.error()};
        }
        r.agent = *agent;
        r.model = stmt->text(1);
        r.priced_as = stmt->text(2);
        r.requests = stmt->int64(3);
        r.unpriced_requests = stmt->int64(4);
        r.reported_requests = stmt->int64(5);
        r.reported_only_usd = stmt->real(6);
        rows[{stmt->text(0), r.model}] = std::move(r);
        return ok();
      }));
    }
    // tally's cost against the agent's own figure, per whole session: the latest snapshot
    // of each session and model that carries a cost, next to the computed cost of the
    // session's records of that model (sub-agents and unlogged calls included).
    auto stmt = db_.prepare_cached(R"sql(
WITH latest AS (
  SELECT s.agent, s.session_id, s.model, s.cost_usd FROM snapshots s
  WHERE s.cost_usd IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM snapshots t WHERE t.agent = s.agent AND t.session_id = s.session_id
      AND t.model = s.model AND (t.ts > s.ts OR (t.ts = s.ts AND t.source_offset > s.source_offset))))
SELECT l.agent, l.model, COUNT(u.id), TOTAL(u.cost_usd), l.cost_usd
FROM latest l JOIN usage u ON u.agent = l.agent AND u.root_session = l.session_id
  AND u.model = l.model AND u.cost_source = 'computed'
GROUP BY l.agent, l.session_id, l.model
)sql");
    TALLY_TRY(stmt);
    TALLY_TRY(for_each_row(*stmt, [&] {
      auto it = rows.find({stmt->text(0), stmt->text(1)});
      if (it == rows.end()) {
        return;
      }
      it->second.both_requests += stmt->int64(2);
      it->second.computed_usd += stmt->real(3);
      it->second.reported_usd += stmt->real(4);
    }));
    std::vector<PriceCheckRow> out;
    for (auto& [key, row] : rows) {
      out.push_back(std::move(row));
    }
    return out;
  }

 private:
  Database db_;
};

}  // namespace

Result<std::unique_ptr<Backend>> open_sqlite_backend(const std::string& path,
                                                     const SqliteOptions& options) {
  auto db = Database::open(path, options.map_reads);
  TALLY_TRY(db);
  auto backend = std::make_unique<SqliteBackend>(std::move(*db));
  TALLY_TRY(backend->migrate());
  return std::unique_ptr<Backend>(std::move(backend));
}

Result<std::unique_ptr<Ledger>> open_sqlite_ledger(const std::string& path) {
  auto backend = open_sqlite_backend(path);
  TALLY_TRY(backend);
  return make_ledger(std::move(*backend));
}

}  // namespace tally::store
