// The SQLite backend's write transaction: see sqlite_write.h.

#include "store/sqlite/sqlite_write.h"

#include <fmt/format.h>

#include <unordered_map>
#include <utility>

#include "store/sqlite/record_writer.h"
#include "store/sqlite/sqlite_rows.h"

namespace tally::store {
namespace {

constexpr std::string_view kInsertSnapshot =
    "INSERT OR REPLACE INTO snapshots (machine, source_file, source_offset, model, agent, "
    "session_id, ts, input_tokens, cache_read_tokens, cache_write_tokens, "
    "cache_write_1h_tokens, output_tokens, reasoning_tokens, web_search_requests, cost_usd) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
constexpr std::string_view kInsertProblem =
    "INSERT OR REPLACE INTO problems (machine, path, line, offset, what) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr std::string_view kSaveCursor =
    "INSERT OR REPLACE INTO files (machine, path, agent, device, inode, size, mtime_ns, "
    "read_offset, lines, head_hash, head_len, parser_state) VALUES "
    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

Result<std::vector<UsageRecord>> load_records(Database& db, const std::string& where,
                                              const std::vector<std::string>& args) {
  auto stmt =
      db.prepare_cached(fmt::format("SELECT {} FROM usage WHERE {}", kRecordColumns, where));
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

class SqliteWrite final : public BackendWrite {
 public:
  static Result<std::unique_ptr<BackendWrite>> begin(Database& db) {
    auto tx = Transaction::begin(db);
    TALLY_TRY(tx);
    auto writer = RecordWriter::open(db);
    TALLY_TRY(writer);
    auto snap = db.prepare_cached(kInsertSnapshot);
    TALLY_TRY(snap);
    auto facts = db.prepare_cached(kInsertFacts);
    TALLY_TRY(facts);
    auto problem = db.prepare_cached(kInsertProblem);
    TALLY_TRY(problem);
    auto save_cursor = db.prepare_cached(kSaveCursor);
    TALLY_TRY(save_cursor);
    return std::unique_ptr<BackendWrite>(
        new SqliteWrite(db, std::move(*tx), std::move(*writer), std::move(*snap), std::move(*facts),
                        std::move(*problem), std::move(*save_cursor)));
  }

  Result<std::optional<FileCursor>> file_cursor(const std::string& machine,
                                                const std::string& path) override {
    return read_file_cursor(db_, machine, path, /*with_state=*/false);
  }

  Status put_file_cursor(const FileCursor& c) override {
    save_cursor_.bind(1, c.machine);
    save_cursor_.bind(2, c.path);
    save_cursor_.bind(3, agent_name(c.agent));
    save_cursor_.bind(4, static_cast<std::int64_t>(c.device));
    save_cursor_.bind(5, static_cast<std::int64_t>(c.inode));
    save_cursor_.bind(6, c.size);
    save_cursor_.bind(7, c.mtime_ns);
    save_cursor_.bind(8, c.offset);
    save_cursor_.bind(9, c.lines);
    save_cursor_.bind(10, static_cast<std::int64_t>(c.head_hash));
    save_cursor_.bind(11, c.head_len);
    save_cursor_.bind(12, c.parser_state);
    return save_cursor_.run();
  }

  Result<std::int64_t> stream_sequence(const std::string& machine,
                                       const std::string& source) override {
    return read_stream_sequence(db_, machine, source);
  }

  Status put_stream_sequence(const StreamPosition& p) override {
    auto stmt = db_.prepare_cached(
        "INSERT OR REPLACE INTO streams (machine, source, sequence) VALUES (?1, ?2, ?3)");
    TALLY_TRY(stmt);
    stmt->bind(1, p.machine);
    stmt->bind(2, p.source);
    stmt->bind(3, p.sequence);
    return stmt->run();
  }

  Result<std::optional<UsageRecord>> insert_record(const UsageRecord& r,
                                                   const pricing::Cost& cost) override {
    forget_prices();
    auto inserted = writer_.insert(r, cost);
    TALLY_TRY(inserted);
    if (*inserted) {
      return std::optional<UsageRecord>();
    }
    auto stored = load_records(db_, "id = ?1", {r.id});
    TALLY_TRY(stored);
    if (stored->empty()) {
      return fail(Errc::storage,
                  fmt::format("record {} was neither inserted nor found in the ledger", r.id));
    }
    return std::optional<UsageRecord>(std::move(stored->front()));
  }

  Status replace_record(const UsageRecord& r, const pricing::Cost& cost) override {
    forget_prices();
    return writer_.replace(r, cost);
  }

  Status set_cost(const std::string& id, std::optional<double> reported,
                  const pricing::Cost& cost) override {
    // A price-only update fires no rollup trigger (migration 9): the writer moves the row's
    // sums from its old price, which session_records() has just read (the spread of a
    // reported cost), or which is read here.
    auto priced = priced_.extract(id);
    if (!priced.empty()) {
      const StoredPrice& p = priced.mapped();
      TALLY_TRY(update_cost(p.rowid, reported, cost));
      writer_.recost(p.row, p.source, p.usd, p.standard_usd, cost);
      return ok();
    }
    auto old = db_.prepare_cached(
        "SELECT rowid, cost_source, cost_usd, standard_cost_usd, ts, agent, model, project, "
        "user_name, machine, team, input_tokens, cache_read_tokens, cache_write_tokens, "
        "cache_write_1h_tokens, output_tokens, reasoning_tokens, speed, service_tier FROM usage "
        "WHERE id = ?1");
    TALLY_TRY(old);
    old->bind(1, id);
    auto found = old->step();
    TALLY_TRY(found);
    if (!*found) {
      old->reset();
      return fail(Errc::storage, fmt::format("cannot reprice record {}: it is not stored", id));
    }
    const std::int64_t rowid = old->int64(0);
    const CostSource old_source = parse_cost_source(old->text(1));
    const double old_usd = old->real(2);
    const double old_standard = old->real(3);
    auto agent = stored_agent(old->text_view(5));
    UsageRecord row;  // the fields of its rollup row (and of in_fast_mode)
    row.ts = old->int64(4);
    row.model = old->text(6);
    row.project = old->text(7);
    row.user = old->text(8);
    row.machine = old->text(9);
    row.team = old->text(10);
    row.tokens = read_tokens(*old, 11);
    row.speed = old->text(17);
    row.service_tier = old->text(18);
    old->reset();
    TALLY_TRY(agent);
    row.agent = *agent;
    TALLY_TRY(update_cost(rowid, reported, cost));
    writer_.recost(row, old_source, old_usd, old_standard, cost);
    return ok();
  }

  Result<std::vector<UsageRecord>> all_records() override {
    TALLY_TRY(writer_.flush());
    return load_records(db_, "1 = 1", {});
  }

  Result<std::vector<UsageRecord>> session_records(const SessionKey& key,
                                                   std::optional<RecordKind> kind,
                                                   const std::string& model) override {
    std::string where = "agent = ?1 AND root_session = ?2";
    std::vector<std::string> args{std::string(agent_name(key.agent)), key.session};
    if (kind) {
      where += " AND kind = ?3";
      args.emplace_back(*kind == RecordKind::unlogged ? "unlogged" : "response");
    }
    if (!model.empty()) {
      where += fmt::format(" AND model = ?{}", args.size() + 1);
      args.push_back(model);
    }
    // With each record, its row and price: a spread of reported costs reprices exactly
    // these records next (set_cost), and need not look each one up again.
    auto stmt = db_.prepare_cached(fmt::format(
        "SELECT {}, rowid, cost_source, cost_usd, standard_cost_usd FROM usage WHERE {} "
        "ORDER BY ts, id",
        kRecordColumns, where));
    TALLY_TRY(stmt);
    for (size_t i = 0; i < args.size(); ++i) {
      stmt->bind(static_cast<int>(i + 1), args[i]);
    }
    forget_prices();
    std::vector<UsageRecord> out;
    TALLY_TRY(for_each_row(*stmt, [&]() -> Status {
      auto r = read_record(*stmt);
      if (!r) {
        return Unexpected{r.error()};
      }
      StoredPrice& p = priced_[r->id];
      p.rowid = stmt->int64(kRecordColumnCount);
      p.source = parse_cost_source(stmt->text(kRecordColumnCount + 1));
      p.usd = stmt->real(kRecordColumnCount + 2);
      p.standard_usd = stmt->real(kRecordColumnCount + 3);
      p.row.ts = r->ts;
      p.row.agent = r->agent;
      p.row.model = r->model;
      p.row.project = r->project;
      p.row.user = r->user;
      p.row.machine = r->machine;
      p.row.team = r->team;
      p.row.tokens = r->tokens;
      out.push_back(std::move(*r));
      return ok();
    }));
    return out;
  }

  Result<std::vector<LoggedUsage>> logged_usage(const SessionKey& key) override {
    // Only the columns reconcile needs and no ORDER BY: a statusline refresh settles its
    // session on every new response, and a long session has thousands of records.
    auto stmt = db_.prepare_cached(
        "SELECT model, ts, input_tokens, cache_read_tokens, cache_write_tokens, "
        "cache_write_1h_tokens, output_tokens, reasoning_tokens FROM usage "
        "WHERE agent = ?1 AND root_session = ?2 AND kind = 'response'");
    TALLY_TRY(stmt);
    stmt->bind_ref(1, agent_name(key.agent));
    stmt->bind_ref(2, key.session);
    std::vector<LoggedUsage> out;
    TALLY_TRY(for_each_row(*stmt, [&] {
      out.push_back(LoggedUsage{stmt->text(0), stmt->int64(1), read_tokens(*stmt, 2)});
    }));
    return out;
  }

  Result<std::optional<UsageRecord>> first_response(const SessionKey& key) override {
    auto first = load_records(db_,
                              "agent = ?1 AND root_session = ?2 AND kind = 'response' "
                              "ORDER BY parent_session_id != '', ts, id LIMIT 1",
                              {std::string(agent_name(key.agent)), key.session});
    TALLY_TRY(first);
    if (first->empty()) {
      return std::optional<UsageRecord>();
    }
    return std::optional<UsageRecord>(std::move(first->front()));
  }

  Status delete_unlogged(const SessionKey& key) override {
    forget_prices();
    TALLY_TRY(writer_.flush());
    auto del = db_.prepare_cached(
        "DELETE FROM usage WHERE agent = ?1 AND root_session = ?2 AND kind = 'unlogged'");
    TALLY_TRY(del);
    del->bind(1, agent_name(key.agent));
    del->bind(2, key.session);
    return del->run();
  }

  Status put_snapshot(const std::string& machine, const CumulativeSnapshot& s) override {
    snap_.bind(1, machine);
    snap_.bind(2, s.source_file);
    snap_.bind(3, s.source_offset);
    snap_.bind(4, s.model);
    snap_.bind(5, agent_name(s.agent));
    snap_.bind(6, s.session_id);
    snap_.bind(7, s.ts);
    bind_tokens(snap_, 8, s.tokens);
    snap_.bind(14, s.web_search_requests);
    snap_.bind(15, s.cost_usd);
    return snap_.run();
  }

  Status put_facts(const std::string& machine, const std::string& path,
                   const SessionFacts& f) override {
    bind_facts(facts_, f, machine, path);
    return facts_.run();
  }

  Status put_problem(const std::string& machine, const ParseProblem& p) override {
    problem_.bind(1, machine);
    problem_.bind(2, p.file);
    problem_.bind(3, p.line);
    problem_.bind(4, p.offset);
    problem_.bind(5, p.what);
    return problem_.run();
  }

  Status delete_file_rows(const std::string& machine, const std::string& path) override {
    for (const char* sql : {"DELETE FROM problems WHERE machine = ?1 AND path = ?2",
                            "DELETE FROM session_facts WHERE machine = ?1 AND path = ?2"}) {
      auto stmt = db_.prepare_cached(sql);
      TALLY_TRY(stmt);
      stmt->bind(1, machine);
      stmt->bind(2, path);
      TALLY_TRY(stmt->run());
    }
    return ok();
  }

  Result<std::vector<CumulativeSnapshot>> snapshots(const SessionKey& key) override {
    return read_snapshots(db_, key);
  }

  Result<std::vector<SessionKey>> sessions_with_reported_cost() override {
    return read_session_keys(
        db_, "SELECT DISTINCT agent, session_id FROM snapshots WHERE cost_usd IS NOT NULL");
  }

  Status mark_dirty(const std::vector<SessionKey>& keys) override {
    auto dirty = db_.prepare_cached(
        "INSERT OR IGNORE INTO dirty_sessions (agent, session_id) VALUES (?1, ?2)");
    TALLY_TRY(dirty);
    for (const SessionKey& k : keys) {
      dirty->bind(1, agent_name(k.agent));
      dirty->bind(2, k.session);
      TALLY_TRY(dirty->run());
    }
    return ok();
  }

  Result<std::vector<SessionKey>> dirty_sessions() override {
    return read_session_keys(db_, "SELECT agent, session_id FROM dirty_sessions");
  }

  Status clear_dirty() override { return db_.exec("DELETE FROM dirty_sessions"); }

  Result<std::string> meta(const std::string& key) override { return read_meta(db_, key); }

  Status put_meta(const std::string& key, const std::string& value) override {
    auto stmt = db_.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)");
    TALLY_TRY(stmt);
    stmt->bind(1, key);
    stmt->bind(2, value);
    return stmt->run();
  }

  Status commit() override {
    TALLY_TRY(writer_.flush());
    return tx_.commit();
  }

 private:
  // A record's row and price as session_records() read them, until set_cost() uses them.
  struct StoredPrice {
    std::int64_t rowid = 0;
    CostSource source = CostSource::computed;
    double usd = 0;
    double standard_usd = 0;
    UsageRecord row;  // the fields of its rollup row (and of in_fast_mode)
  };

  // Every write but set_cost() may change a record whose price priced_ holds.
  void forget_prices() {
    if (!priced_.empty()) {  // clear() costs its buckets even when empty
      priced_.clear();
    }
  }

  Status update_cost(std::int64_t rowid, std::optional<double> reported,
                     const pricing::Cost& cost) {
    auto update = db_.prepare_cached(
        "UPDATE usage SET cost_usd = ?2, cost_source = ?3, priced_as = ?4, standard_cost_usd = ?5, "
        "reported_cost_usd = CASE WHEN ?6 THEN ?7 ELSE reported_cost_usd END WHERE rowid = ?1");
    TALLY_TRY(update);
    update->bind(1, rowid);
    update->bind(2, cost.usd);
    update->bind(3, cost_source_name(cost.source));
    update->bind(4, cost.priced_as);
    update->bind(5, cost.standard_usd);
    update->bind(6, std::int64_t{reported ? 1 : 0});
    update->bind(7, reported);
    return update->run();
  }

  SqliteWrite(Database& db, Transaction tx, RecordWriter writer, Statement snap, Statement facts,
              Statement problem, Statement save_cursor)
      : db_(db),
        tx_(std::move(tx)),
        writer_(std::move(writer)),
        snap_(std::move(snap)),
        facts_(std::move(facts)),
        problem_(std::move(problem)),
        save_cursor_(std::move(save_cursor)) {}

  Database& db_;
  Transaction tx_;
  RecordWriter writer_;
  // Prices read by the last session_records(), by record id; each is used once, and every
  // other write clears them all, so none is ever stale.
  std::unordered_map<std::string, StoredPrice> priced_;
  Statement snap_;
  Statement facts_;
  Statement problem_;
  Statement save_cursor_;
};

}  // namespace

Result<std::unique_ptr<BackendWrite>> begin_sqlite_write(Database& db) {
  return SqliteWrite::begin(db);
}

}  // namespace tally::store
