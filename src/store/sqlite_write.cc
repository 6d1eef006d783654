// The SQLite ledger's write transaction: see sqlite_write.h.

#include "store/sqlite_write.h"

#include <set>
#include <string>
#include <utility>

#include "store/record_writer.h"
#include "store/sqlite_rows.h"

namespace tally::store {
namespace {

bool same_cursor(const std::optional<FileCursor>& stored, const std::optional<FileCursor>& base) {
  if (!stored || !base) {
    // A fresh read is applied over a stored cursor only by the process that decided to
    // restart; if another process already stored one for a fresh read, both read the same
    // bytes and records dedupe, so applying again is harmless.
    return true;
  }
  return stored->offset == base->offset && stored->inode == base->inode &&
         stored->head_hash == base->head_hash && stored->lines == base->lines;
}

Status delete_path_rows(Database& db, const std::string& path) {
  // Snapshots stay: a truncated log must not shrink spend a cumulative total already
  // proved (the ledger keeps what it has read). A re-read rewrites them by offset.
  for (const char* sql :
       {"DELETE FROM problems WHERE path = ?1", "DELETE FROM session_facts WHERE path = ?1"}) {
    auto stmt = db.prepare_cached(sql);
    TALLY_TRY(stmt);
    stmt->bind(1, path);
    TALLY_TRY(stmt->run());
  }
  return ok();
}

class SqliteWrite final : public LedgerWrite {
 public:
  static Result<std::unique_ptr<LedgerWrite>> begin(Database& db, const pricing::Pricer& pricer) {
    auto tx = Transaction::begin(db);
    TALLY_TRY(tx);
    auto writer = RecordWriter::open(db);
    TALLY_TRY(writer);
    auto snap = db.prepare_cached(
        "INSERT OR REPLACE INTO snapshots (source_file, source_offset, model, agent, session_id, "
        "ts, input_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, "
        "output_tokens, reasoning_tokens, web_search_requests, cost_usd) VALUES "
        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
    TALLY_TRY(snap);
    auto facts = db.prepare_cached(kInsertFacts);
    TALLY_TRY(facts);
    auto problem = db.prepare_cached(
        "INSERT OR REPLACE INTO problems (path, line, offset, what) VALUES (?1, ?2, ?3, ?4)");
    TALLY_TRY(problem);
    auto save_cursor = db.prepare_cached(
        "INSERT OR REPLACE INTO files (path, agent, device, inode, size, mtime_ns, read_offset, "
        "lines, head_hash, head_len, parser_state) VALUES "
        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    TALLY_TRY(save_cursor);
    return std::unique_ptr<LedgerWrite>(
        new SqliteWrite(db, pricer, std::move(*tx), std::move(*writer), std::move(*snap),
                        std::move(*facts), std::move(*problem), std::move(*save_cursor)));
  }

  Result<CommitStats> apply(std::span<FileBatch> batches) override {
    CommitStats stats;
    for (FileBatch& batch : batches) {
      auto current = read_file_cursor(db_, batch.cursor.path, /*with_state=*/false);
      TALLY_TRY(current);
      // Stale: another process moved the cursor since this batch was read, or (a fresh
      // read) already applied exactly these bytes; applying again would only redo work.
      const bool already_applied =
          !batch.base && *current && (*current)->inode == batch.cursor.inode &&
          (*current)->offset == batch.cursor.offset &&
          (*current)->head_hash == batch.cursor.head_hash &&
          (*current)->size == batch.cursor.size && (*current)->mtime_ns == batch.cursor.mtime_ns;
      if (!same_cursor(*current, batch.base) || already_applied) {
        ++stats.stale_batches;
        continue;
      }
      if (!batch.base && *current) {
        // Read again from the start: the path's problems and facts are recomputed. Records
        // and snapshots stay (nothing is lost when a log shrinks or vanishes). A path without
        // a cursor has no rows yet: they commit together.
        TALLY_TRY(delete_path_rows(db_, batch.cursor.path));
      }
      const std::pair<Agent, std::string>* last_dirty = nullptr;
      const bool priced = batch.costs.size() == batch.records.size();
      for (size_t i = 0; i < batch.records.size(); ++i) {
        const UsageRecord& r = batch.records[i];
        TALLY_TRY(writer_.write(r, priced ? batch.costs[i] : pricer_.price(r)));
        const std::string& root = r.parent_session_id.empty() ? r.session_id : r.parent_session_id;
        if (last_dirty == nullptr || last_dirty->first != r.agent || last_dirty->second != root) {
          last_dirty = &*dirty_.emplace(r.agent, root).first;
        }
        ++stats.records;
      }
      for (const CumulativeSnapshot& s : batch.snapshots) {
        snap_.bind(1, s.source_file);
        snap_.bind(2, s.source_offset);
        snap_.bind(3, s.model);
        snap_.bind(4, agent_name(s.agent));
        snap_.bind(5, s.session_id);
        snap_.bind(6, s.ts);
        bind_tokens(snap_, 7, s.tokens);
        snap_.bind(13, s.web_search_requests);
        snap_.bind(14, s.cost_usd);
        TALLY_TRY(snap_.run());
        dirty_.emplace(s.agent, s.session_id);
      }
      for (const SessionFacts& f : batch.sessions) {
        bind_facts(facts_, f, batch.cursor.path);
        TALLY_TRY(facts_.run());
      }
      for (const ParseProblem& p : batch.problems) {
        problem_.bind(1, p.file);
        problem_.bind(2, p.line);
        problem_.bind(3, p.offset);
        problem_.bind(4, p.what);
        TALLY_TRY(problem_.run());
      }
      const FileCursor& c = batch.cursor;
      save_cursor_.bind(1, c.path);
      save_cursor_.bind(2, agent_name(c.agent));
      save_cursor_.bind(3, static_cast<std::int64_t>(c.device));
      save_cursor_.bind(4, static_cast<std::int64_t>(c.inode));
      save_cursor_.bind(5, c.size);
      save_cursor_.bind(6, c.mtime_ns);
      save_cursor_.bind(7, c.offset);
      save_cursor_.bind(8, c.lines);
      save_cursor_.bind(9, static_cast<std::int64_t>(c.head_hash));
      save_cursor_.bind(10, c.head_len);
      save_cursor_.bind(11, c.parser_state);
      TALLY_TRY(save_cursor_.run());
      ++stats.files;
    }
    return stats;
  }

  Status commit() override {
    auto dirty = db_.prepare_cached(
        "INSERT OR IGNORE INTO dirty_sessions (agent, session_id) VALUES (?1, ?2)");
    TALLY_TRY(dirty);
    for (const auto& [agent, session] : dirty_) {
      dirty->bind(1, agent_name(agent));
      dirty->bind(2, session);
      TALLY_TRY(dirty->run());
    }
    TALLY_TRY(writer_.flush());
    return tx_.commit();
  }

 private:
  SqliteWrite(Database& db, const pricing::Pricer& pricer, Transaction tx, RecordWriter writer,
              Statement snap, Statement facts, Statement problem, Statement save_cursor)
      : db_(db),
        pricer_(pricer),
        tx_(std::move(tx)),
        writer_(std::move(writer)),
        snap_(std::move(snap)),
        facts_(std::move(facts)),
        problem_(std::move(problem)),
        save_cursor_(std::move(save_cursor)) {}

  Database& db_;
  const pricing::Pricer& pricer_;
  Transaction tx_;
  RecordWriter writer_;
  Statement snap_;
  Statement facts_;
  Statement problem_;
  Statement save_cursor_;
  // Sessions the applied batches touched: marked dirty at commit, in the same transaction.
  std::set<std::pair<Agent, std::string>> dirty_;
};

}  // namespace

Result<std::unique_ptr<LedgerWrite>> begin_sqlite_write(Database& db,
                                                        const pricing::Pricer& pricer) {
  return SqliteWrite::begin(db, pricer);
}

}  // namespace tally::store
