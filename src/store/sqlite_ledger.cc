// The SQLite ledger (see ledger.h for the contracts).
//
// Writes follow leveldb's db_bench_sqlite3 advice: WAL, prepared statements reused for a
// whole batch, many batches per transaction (sqlite_write.h). Each write takes the write
// lock up front (BEGIN IMMEDIATE) so that two tally processes (a statusline and a report,
// say) queue instead of failing, and re-checks every file's cursor inside the transaction
// so a batch another process already applied is dropped, not counted twice.

#include "store/sqlite_ledger.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "store/reconcile.h"
#include "store/record_writer.h"
#include "store/schema.h"
#include "store/sqlite_db.h"
#include "store/sqlite_queries.h"
#include "store/sqlite_rows.h"
#include "store/sqlite_write.h"

namespace tally::store {
namespace {

class SqliteLedger final : public Ledger {
 public:
  explicit SqliteLedger(Database db) : db_(std::move(db)) {}

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

  Result<std::optional<FileCursor>> cursor(const std::string& path) override {
    return read_file_cursor(db_, path, /*with_state=*/true);
  }

  Result<std::vector<FileCursor>> cursors() override {
    return read_file_cursors(db_, "", "", /*with_state=*/false);
  }

  Result<std::unique_ptr<LedgerWrite>> begin_write(const pricing::Pricer& pricer) override {
    return begin_sqlite_write(db_, pricer);
  }

  Result<std::int64_t> reconcile(const pricing::Pricer& pricer) override {
    // Reconcile is the last write of every ingest: a new ledger's first load is done.
    auto settled = settle_dirty_sessions(pricer);
    TALLY_TRY(settled);
    db_.end_bulk_load();
    return settled;
  }

  Result<std::int64_t> reprice_if_needed(const pricing::Pricer& pricer) override {
    const std::string fingerprint = pricer.fingerprint();
    auto current = meta("price_fingerprint");
    TALLY_TRY(current);
    if (*current == fingerprint) {
      return std::int64_t{0};
    }
    auto tx = Transaction::begin(db_);
    TALLY_TRY(tx);
    auto n = reprice_where("1 = 1", {}, pricer);
    TALLY_TRY(n);
    // A model the new table no longer prices falls back to the agent's own figure, which
    // reconcile spreads: settle every session that has one.
    TALLY_TRY(
        db_.exec("INSERT OR IGNORE INTO dirty_sessions (agent, session_id) "
                 "SELECT DISTINCT agent, session_id FROM snapshots WHERE cost_usd IS NOT NULL"));
    TALLY_TRY(set_meta("price_fingerprint", fingerprint));
    TALLY_TRY(tx->commit());
    return *n;
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
        "SELECT path, line, offset, what FROM problems ORDER BY path, line LIMIT ?1");
    TALLY_TRY(stmt);
    stmt->bind(1, limit);
    TALLY_TRY(for_each_row(*stmt, [&] {
      out.first.push_back(
          ParseProblem{stmt->text(0), stmt->int64(1), stmt->int64(2), stmt->text(3)});
    }));
    return out;
  }

  Result<std::vector<SessionFacts>> sessions(const std::string& prefix) override {
    // Per-file rows, merged here: tool counts, file lists and compaction sizes are encoded
    // lists that SQL cannot add up (core/session_facts.h merge_session_facts).
    auto stmt = db_.prepare_cached(
        fmt::format("SELECT {} FROM session_facts WHERE substr(session_id, 1, length(?1)) = ?1 "
                    "ORDER BY agent, session_id, first_ts, file_key",
                    kFactsColumns));
    TALLY_TRY(stmt);
    stmt->bind(1, prefix);
    std::vector<SessionFacts> out;
    Status row_status = ok();
    TALLY_TRY(for_each_row(*stmt, [&] {
      auto f = read_facts(*stmt);
      if (!f) {
        row_status = Unexpected{f.error()};
      } else if (!out.empty() && out.back().agent == f->agent &&
                 out.back().session_id == f->session_id) {
        merge_session_facts(out.back(), *f);
      } else {
        out.push_back(std::move(*f));
      }
    }));
    TALLY_TRY(row_status);
    std::stable_sort(out.begin(), out.end(), [](const SessionFacts& a, const SessionFacts& b) {
      return a.first_ts < b.first_ts;
    });
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
  Result<std::vector<UsageRecord>> load_records(const std::string& where,
                                                const std::vector<std::string>& args) {
    auto stmt =
        db_.prepare_cached(fmt::format("SELECT {} FROM usage WHERE {}", kRecordColumns, where));
    TALLY_TRY(stmt);
    for (size_t i = 0; i < args.size(); ++i) {
      stmt->bind(static_cast<int>(i + 1), args[i]);
    }
    std::vector<UsageRecord> out;
    TALLY_TRY(for_each_row(*stmt, [&]() -> Status {
      auto r = read_record(*stmt);
      if (!r) {
        return Unexpected{r.error()};
      }
      out.push_back(std::move(*r));
      return ok();
    }));
    return out;
  }

  Result<std::int64_t> reprice_where(const std::string& where, const std::vector<std::string>& args,
                                     const pricing::Pricer& pricer) {
    auto records = load_records(where, args);
    TALLY_TRY(records);
    auto update = db_.prepare_cached(
        "UPDATE usage SET cost_usd = ?2, cost_source = ?3, priced_as = ?4, standard_cost_usd = ?5 "
        "WHERE id = ?1");
    TALLY_TRY(update);
    for (const UsageRecord& r : *records) {
      const pricing::Cost cost = pricer.price(r);
      update->bind(1, r.id);
      update->bind(2, cost.usd);
      update->bind(3, cost_source_name(cost.source));
      update->bind(4, cost.priced_as);
      update->bind(5, cost.standard_usd);
      TALLY_TRY(update->run());
    }
    return static_cast<std::int64_t>(records->size());
  }

  Result<std::int64_t> settle_dirty_sessions(const pricing::Pricer& pricer) {
    // Most runs (a statusline refresh, a report with nothing new) have nothing to settle:
    // they must not take the write lock or write the WAL at all.
    auto any = db_.query_int("SELECT EXISTS (SELECT 1 FROM dirty_sessions)");
    TALLY_TRY(any);
    if (*any == 0) {
      return std::int64_t{0};
    }
    auto tx = Transaction::begin(db_);
    TALLY_TRY(tx);
    std::vector<std::pair<std::string, std::string>> sessions;
    {
      auto stmt = db_.prepare_cached("SELECT agent, session_id FROM dirty_sessions");
      TALLY_TRY(stmt);
      TALLY_TRY(for_each_row(*stmt, [&] { sessions.emplace_back(stmt->text(0), stmt->text(1)); }));
    }
    for (const auto& [agent, session] : sessions) {
      TALLY_TRY(reconcile_session(agent, session, pricer));
    }
    TALLY_TRY(db_.exec("DELETE FROM dirty_sessions"));
    TALLY_TRY(tx->commit());
    return static_cast<std::int64_t>(sessions.size());
  }

  Status reconcile_session(const std::string& agent, const std::string& session,
                           const pricing::Pricer& pricer) {
    std::vector<CumulativeSnapshot> snaps;
    auto stored = stored_agent(agent);
    TALLY_TRY(stored);
    {
      auto stmt = db_.prepare_cached(
          "SELECT source_file, source_offset, model, ts, input_tokens, cache_read_tokens, "
          "cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, "
          "web_search_requests, cost_usd FROM snapshots WHERE agent = ?1 AND session_id = ?2");
      TALLY_TRY(stmt);
      stmt->bind(1, agent);
      stmt->bind(2, session);
      TALLY_TRY(for_each_row(*stmt, [&] {
        CumulativeSnapshot s;
        s.agent = *stored;
        s.session_id = session;
        s.source_file = stmt->text(0);
        s.source_offset = stmt->int64(1);
        s.model = stmt->text(2);
        s.ts = stmt->int64(3);
        s.tokens = read_tokens(*stmt, 4);
        s.web_search_requests = stmt->int64(10);
        if (!stmt->is_null(11)) {
          s.cost_usd = stmt->real(11);
        }
        snaps.push_back(std::move(s));
      }));
    }
    if (snaps.empty()) {
      return ok();
    }
    // Only what reconciliation needs from the session's logged records: a narrow read.
    std::vector<LoggedUsage> logged;
    {
      auto stmt = db_.prepare_cached(
          "SELECT model, ts, input_tokens, cache_read_tokens, cache_write_tokens, "
          "cache_write_1h_tokens, output_tokens, reasoning_tokens FROM usage "
          "WHERE agent = ?1 AND root_session = ?2 AND kind = 'response'");
      TALLY_TRY(stmt);
      stmt->bind(1, agent);
      stmt->bind(2, session);
      TALLY_TRY(for_each_row(*stmt, [&] {
        LoggedUsage l;
        l.model = stmt->text(0);
        l.ts = stmt->int64(1);
        l.tokens = read_tokens(*stmt, 2);
        logged.push_back(std::move(l));
      }));
    }
    std::vector<UsageRecord> unlogged = unlogged_records(session, snaps, logged);

    auto del = db_.prepare_cached(
        "DELETE FROM usage WHERE agent = ?1 AND root_session = ?2 AND kind = 'unlogged'");
    TALLY_TRY(del);
    del->bind(1, agent);
    del->bind(2, session);
    TALLY_TRY(del->run());
    if (!unlogged.empty()) {
      TALLY_TRY(write_unlogged(agent, session, unlogged, pricer));
    }
    return spread_reported_costs(agent, session, snaps, pricer);
  }

  // Records the session's unlogged usage (most sessions have none: the common case reads
  // nothing more).
  Status write_unlogged(const std::string& agent, const std::string& session,
                        std::vector<UsageRecord>& unlogged, const pricing::Pricer& pricer) {
    // Unlogged spend belongs to the session's project and people (the root's own records
    // first, else a sub-agent's).
    auto like_rows = load_records(
        "agent = ?1 AND root_session = ?2 AND kind = 'response' "
        "ORDER BY parent_session_id != '', ts LIMIT 1",
        {agent, session});
    TALLY_TRY(like_rows);
    const UsageRecord* like = like_rows->empty() ? nullptr : &like_rows->front();
    auto writer = RecordWriter::open(db_);
    TALLY_TRY(writer);
    for (UsageRecord& r : unlogged) {
      if (like != nullptr) {
        r.project = like->project;
        r.user = like->user;
        r.machine = like->machine;
        r.team = like->team;
      }
      TALLY_TRY(writer->write(r, pricer.price(r)));
    }
    return writer->flush();
  }

  Status spread_reported_costs(const std::string& agent, const std::string& session,
                               const std::vector<CumulativeSnapshot>& snaps,
                               const pricing::Pricer& pricer) {
    // Spread each model's reported cost (latest snapshot) over its records, for the models
    // the price table cannot price: there the agent's figure is the cost. Priced models need
    // no share (`prices check` compares whole sessions against the snapshots).
    std::map<std::string, const CumulativeSnapshot*> latest;
    for (const CumulativeSnapshot& s : snaps) {
      auto& slot = latest[s.model];
      if (slot == nullptr || s.ts > slot->ts ||
          (s.ts == slot->ts && s.source_offset > slot->source_offset)) {
        slot = &s;
      }
    }
    auto update = db_.prepare_cached(
        "UPDATE usage SET reported_cost_usd = ?2, cost_usd = ?3, cost_source = ?4, priced_as = ?5, "
        "standard_cost_usd = ?6 WHERE id = ?1");
    TALLY_TRY(update);
    for (const auto& [model, snap] : latest) {
      if (!snap->cost_usd) {
        continue;
      }
      UsageRecord probe;
      probe.agent = snap->agent;
      probe.model = model;
      probe.ts = snap->ts;
      if (pricer.price(probe).source == CostSource::computed) {
        continue;
      }
      auto records =
          load_records("agent = ?1 AND root_session = ?2 AND model = ?3", {agent, session, model});
      TALLY_TRY(records);
      double weight_sum = 0;
      for (const UsageRecord& r : *records) {
        weight_sum += reference_weight(r.tokens);
      }
      for (UsageRecord& r : *records) {
        r.reported_cost_usd = weight_sum > 0
                                  ? *snap->cost_usd * reference_weight(r.tokens) / weight_sum
                                  : *snap->cost_usd / static_cast<double>(records->size());
        const pricing::Cost cost = pricer.price(r);
        update->bind(1, r.id);
        update->bind(2, r.reported_cost_usd);
        update->bind(3, cost.usd);
        update->bind(4, cost_source_name(cost.source));
        update->bind(5, cost.priced_as);
        update->bind(6, cost.standard_usd);
        TALLY_TRY(update->run());
      }
    }
    return ok();
  }

  Result<std::string> meta(const std::string& key) {
    auto stmt = db_.prepare_cached("SELECT value FROM meta WHERE key = ?1");
    TALLY_TRY(stmt);
    stmt->bind(1, key);
    auto has = stmt->step();
    TALLY_TRY(has);
    return *has ? stmt->text(0) : std::string();
  }

  Status set_meta(const std::string& key, const std::string& value) {
    auto stmt = db_.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)");
    TALLY_TRY(stmt);
    stmt->bind(1, key);
    stmt->bind(2, value);
    return stmt->run();
  }

  Database db_;
};

}  // namespace

Result<std::unique_ptr<Ledger>> open_sqlite_ledger(const std::string& path) {
  auto db = Database::open(path);
  TALLY_TRY(db);
  auto ledger = std::make_unique<SqliteLedger>(std::move(*db));
  TALLY_TRY(ledger->migrate());
  return std::unique_ptr<Ledger>(std::move(ledger));
}

}  // namespace tally::store
