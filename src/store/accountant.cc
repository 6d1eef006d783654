// The accounting core: see accountant.h for the rules, backend.h for the port.

#include "store/accountant.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "store/exact_range.h"
#include "store/reconcile.h"

namespace tally::store {
namespace {

const std::string kLocalMachine;  // this machine's files are keyed by an empty machine

// Acknowledged problems (Ledger::acknowledge_problems): their keys, sorted, one per line,
// in one meta value. Every problem a ledger holds fits in kAllProblems.
const std::string kProblemsAckKey = "problems_acknowledged";
constexpr std::int64_t kAllProblems = 10'000'000;

// A problem's key: FNV-1a 64 of file, line and what, in hex. Stable across builds.
std::string problem_key(const ParseProblem& p) {
  std::uint64_t h = 14695981039346656037ULL;
  auto add = [&](std::string_view text) {
    for (const char c : text) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ULL;
    }
    h ^= 0xff;  // a separator no UTF-8 text holds
    h *= 1099511628211ULL;
  };
  add(p.file);
  add(std::to_string(p.line));
  add(p.what);
  return fmt::format("{:016x}", h);
}

std::set<std::string> split_keys(std::string_view text) {
  std::set<std::string> keys;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    if (nl != 0) {
      keys.emplace(text.substr(0, nl));
    }
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  return keys;
}

std::string join_keys(const std::set<std::string>& keys) {
  std::string out;
  for (const std::string& k : keys) {
    out += k;
    out += '\n';
  }
  return out;
}

SessionKey root_key(const UsageRecord& r) { return SessionKey{r.agent, root_session_of(r)}; }

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

// Stale: another process moved the cursor since this batch was read, or (a fresh read)
// already applied exactly these bytes; applying again would only redo work.
bool stale_file_batch(const std::optional<FileCursor>& current, const WriteBatch& batch) {
  const bool already_applied =
      !batch.base && current && current->inode == batch.cursor.inode &&
      current->offset == batch.cursor.offset && current->head_hash == batch.cursor.head_hash &&
      current->size == batch.cursor.size && current->mtime_ns == batch.cursor.mtime_ns;
  return !same_cursor(current, batch.base) || already_applied;
}

Status check_cost(const UsageRecord& r, const pricing::Cost& cost) {
  if (std::isnan(cost.usd) || std::isnan(cost.standard_usd)) {
    // A storage error, as when a store refused the NaN: nothing of the write lands.
    return fail(Errc::storage, fmt::format("cannot store record {} (model '{}'): its price is "
                                           "not a number",
                                           r.id, r.model));
  }
  return ok();
}

// Writes `r`: inserted when new, else kept only if it is the better copy.
Status put_record(BackendWrite& w, const UsageRecord& r, const pricing::Cost& cost) {
  TALLY_TRY(check_cost(r, cost));
  auto stored = w.insert_record(r, cost);
  TALLY_TRY(stored);
  if (!*stored || !better_copy(r, **stored)) {
    return ok();
  }
  if (r.reported_cost_usd || !(*stored)->reported_cost_usd) {
    return w.replace_record(r, cost);
  }
  UsageRecord keep_reported = r;  // the agent's figure is kept from the copy that had it
  keep_reported.reported_cost_usd = (*stored)->reported_cost_usd;
  return w.replace_record(keep_reported, cost);
}

class AccountingWrite final : public LedgerWrite {
 public:
  AccountingWrite(std::unique_ptr<BackendWrite> w, const pricing::Pricer& pricer)
      : w_(std::move(w)), pricer_(pricer) {}

  Result<CommitStats> apply(std::span<WriteBatch> batches) override {
    CommitStats stats;
    for (WriteBatch& batch : batches) {
      auto applied = apply_one(batch, stats);
      TALLY_TRY(applied);
      if (*applied) {
        ++stats.files;
      } else {
        ++stats.stale_batches;
      }
    }
    return stats;
  }

  Status commit() override {
    TALLY_TRY(w_->mark_dirty(std::vector<SessionKey>(dirty_.begin(), dirty_.end())));
    return w_->commit();
  }

 private:
  // Applies one batch; false when it was stale (nothing written).
  Result<bool> apply_one(WriteBatch& batch, CommitStats& stats) {
    const std::string& machine = batch.machine();
    if (batch.stream) {
      auto seen = w_->stream_sequence(machine, batch.stream->source);
      TALLY_TRY(seen);
      if (batch.stream->sequence <= *seen) {
        return false;
      }
    } else {
      auto current = w_->file_cursor(machine, batch.cursor.path);
      TALLY_TRY(current);
      if (stale_file_batch(*current, batch)) {
        return false;
      }
      if (!batch.base && *current) {
        // Read again from the start: the path's problems and facts are recomputed. Records
        // and snapshots stay (nothing is lost when a log shrinks or vanishes). A path without
        // a cursor has no rows yet: they commit together.
        TALLY_TRY(w_->delete_file_rows(machine, batch.cursor.path));
      }
    }
    const bool priced = batch.costs.size() == batch.records.size();
    const SessionKey* last_dirty = nullptr;
    for (size_t i = 0; i < batch.records.size(); ++i) {
      const UsageRecord& r = batch.records[i];
      TALLY_TRY(put_record(*w_, r, priced ? batch.costs[i] : pricer_.price(r)));
      SessionKey key = root_key(r);
      if (last_dirty == nullptr || *last_dirty != key) {
        last_dirty = &*dirty_.insert(std::move(key)).first;
      }
      ++stats.records;
    }
    for (const CumulativeSnapshot& s : batch.snapshots) {
      TALLY_TRY(w_->put_snapshot(machine, s));
      dirty_.insert(SessionKey{s.agent, s.session_id});
    }
    const std::string& where = batch.stream ? batch.stream->source : batch.cursor.path;
    for (const SessionFacts& f : batch.sessions) {
      TALLY_TRY(w_->put_facts(machine, where, f));
    }
    for (const ParseProblem& p : batch.problems) {
      TALLY_TRY(w_->put_problem(machine, p));
    }
    if (batch.stream) {
      TALLY_TRY(w_->put_stream_sequence(*batch.stream));
    } else {
      FileCursor cursor = batch.cursor;
      cursor.machine = machine;
      TALLY_TRY(w_->put_file_cursor(cursor));
    }
    return true;
  }

  std::unique_ptr<BackendWrite> w_;
  const pricing::Pricer& pricer_;
  // Sessions the applied batches touched: marked dirty at commit, in the same transaction.
  std::set<SessionKey> dirty_;
};

// Settles one session: its unlogged records from the snapshots, then the agent's reported
// cost spread over the models the table cannot price. See reconcile.h for the arithmetic.
class SessionSettler {
 public:
  SessionSettler(BackendWrite& w, const pricing::Pricer& pricer) : w_(w), pricer_(pricer) {}

  Status settle(const SessionKey& key) {
    auto snaps = w_.snapshots(key);
    TALLY_TRY(snaps);
    if (snaps->empty()) {
      return ok();
    }
    auto logged = w_.logged_usage(key);
    TALLY_TRY(logged);
    std::vector<UsageRecord> unlogged = unlogged_records(key.session, *snaps, *logged);
    if (!unlogged.empty()) {
      TALLY_TRY(take_people(key, unlogged));
    }
    auto stored = w_.session_records(key, RecordKind::unlogged, "");
    TALLY_TRY(stored);
    TALLY_TRY(write_unlogged(key, *stored, unlogged));
    return spread_reported_costs(key, *snaps);
  }

 private:
  // Unlogged spend belongs to the session's project and people: the root's own earliest
  // record's, else a sub-agent's.
  Status take_people(const SessionKey& key, std::vector<UsageRecord>& unlogged) {
    auto like = w_.first_response(key);
    TALLY_TRY(like);
    if (*like) {
      for (UsageRecord& r : unlogged) {
        r.project = (*like)->project;
        r.user = (*like)->user;
        r.machine = (*like)->machine;
        r.team = (*like)->team;
      }
    }
    return ok();
  }

  // Makes the session's unlogged records `fresh`. A settle after a turn moves a few steps
  // at most; rewriting every record (delete all, insert all) cost a statusline refresh ~90
  // page writes (each record's row, three indexes, rollup rows). So a record equal to its
  // stored copy is left alone and a changed one replaced in place, as long as the outcome is
  // the one a full rewrite gives: every stored id is still wanted (the port deletes only a
  // session's whole set) and no stored copy carries a reported cost (replacing keeps it,
  // deleting would not; the spread then sets it again). Otherwise, the full rewrite.
  Status write_unlogged(const SessionKey& key, const std::vector<UsageRecord>& stored,
                        const std::vector<UsageRecord>& fresh) {
    std::map<std::string_view, const UsageRecord*> old;
    for (const UsageRecord& r : stored) {
      old.emplace(r.id, &r);
    }
    bool in_place = true;
    for (const UsageRecord& r : stored) {
      in_place = in_place && !r.reported_cost_usd;
    }
    std::size_t kept = 0;
    for (const UsageRecord& r : fresh) {
      kept += old.count(r.id);
    }
    if (!in_place || kept != stored.size()) {
      TALLY_TRY(w_.delete_unlogged(key));
      old.clear();
    }
    for (const UsageRecord& r : fresh) {
      const auto it = old.find(r.id);
      if (it == old.end()) {
        TALLY_TRY(put_record(w_, r, pricer_.price(r)));
      } else if (!(*it->second == r)) {
        const pricing::Cost cost = pricer_.price(r);
        TALLY_TRY(check_cost(r, cost));
        TALLY_TRY(w_.replace_record(r, cost));
      }
    }
    return ok();
  }

  // Spreads each model's reported cost (latest snapshot) over its records, for the models
  // the price table cannot price: there the agent's figure is the cost. Priced models need
  // no share (`prices check` compares whole sessions against the snapshots).
  Status spread_reported_costs(const SessionKey& key,
                               const std::vector<CumulativeSnapshot>& snaps) {
    std::map<std::string, const CumulativeSnapshot*> latest;
    for (const CumulativeSnapshot& s : snaps) {
      auto& slot = latest[s.model];
      if (slot == nullptr || s.ts > slot->ts ||
          (s.ts == slot->ts && s.source_offset > slot->source_offset)) {
        slot = &s;
      }
    }
    for (const auto& [model, snap] : latest) {
      if (!snap->cost_usd) {
        continue;
      }
      UsageRecord probe;
      probe.agent = snap->agent;
      probe.model = model;
      probe.ts = snap->ts;
      if (pricer_.price(probe).source == CostSource::computed) {
        continue;
      }
      auto records = w_.session_records(key, std::nullopt, model);
      TALLY_TRY(records);
      double weight_sum = 0;
      for (const UsageRecord& r : *records) {
        weight_sum += reference_weight(r.tokens);
      }
      for (UsageRecord& r : *records) {
        r.reported_cost_usd = weight_sum > 0
                                  ? *snap->cost_usd * reference_weight(r.tokens) / weight_sum
                                  : *snap->cost_usd / static_cast<double>(records->size());
        const pricing::Cost cost = pricer_.price(r);
        TALLY_TRY(check_cost(r, cost));
        TALLY_TRY(w_.set_cost(r.id, r.reported_cost_usd, cost));
      }
    }
    return ok();
  }

  BackendWrite& w_;
  const pricing::Pricer& pricer_;
};

class AccountingLedger final : public Ledger {
 public:
  explicit AccountingLedger(std::unique_ptr<Backend> backend) : backend_(std::move(backend)) {}

  Result<std::optional<FileCursor>> cursor(const std::string& path) override {
    return backend_->file_cursor(kLocalMachine, path);
  }

  Result<std::vector<FileCursor>> cursors(std::int64_t min_mtime_ns) override {
    return backend_->file_cursors(kLocalMachine, min_mtime_ns);
  }

  Result<std::int64_t> stream_sequence(const std::string& machine,
                                       const std::string& source) override {
    return backend_->stream_sequence(machine, source);
  }

  Result<std::unique_ptr<LedgerWrite>> begin_write(const pricing::Pricer& pricer) override {
    auto w = backend_->begin_write();
    TALLY_TRY(w);
    return std::unique_ptr<LedgerWrite>(new AccountingWrite(std::move(*w), pricer));
  }

  Result<std::int64_t> reconcile(const pricing::Pricer& pricer) override {
    // Reconcile is the last write of every ingest: a new ledger's first load is done.
    auto settled = settle_dirty_sessions(pricer);
    TALLY_TRY(settled);
    backend_->end_bulk_load();
    return settled;
  }

  Result<std::int64_t> reprice_if_needed(const pricing::Pricer& pricer) override {
    const std::string fingerprint = pricer.fingerprint();
    auto current = backend_->meta(kFingerprintKey);
    TALLY_TRY(current);
    if (*current == fingerprint) {
      return std::int64_t{0};
    }
    auto w = backend_->begin_write();
    TALLY_TRY(w);
    auto records = (*w)->all_records();
    TALLY_TRY(records);
    for (const UsageRecord& r : *records) {
      const pricing::Cost cost = pricer.price(r);
      TALLY_TRY(check_cost(r, cost));
      TALLY_TRY((*w)->set_cost(r.id, std::nullopt, cost));
    }
    // A model the new table no longer prices falls back to the agent's own figure, which
    // reconcile spreads: settle every session that has one.
    auto reported = (*w)->sessions_with_reported_cost();
    TALLY_TRY(reported);
    TALLY_TRY((*w)->mark_dirty(*reported));
    TALLY_TRY((*w)->put_meta(kFingerprintKey, fingerprint));
    TALLY_TRY((*w)->commit());
    return static_cast<std::int64_t>(records->size());
  }

  Result<std::vector<AggregateRow>> aggregate(const RecordFilter& filter,
                                              const GroupBy& group) override {
    return aggregate_exact(*backend_, filter, group);
  }

  Result<std::vector<UsageEvent>> events(const RecordFilter& filter) override {
    return backend_->events(filter);
  }

  Result<std::vector<TimeMs>> active_buckets(std::optional<TimeMs> since) override {
    return backend_->active_buckets(since);
  }

  bool read_only() const override { return backend_->read_only(); }

  Result<std::vector<TreeCost>> session_tree_costs(Agent agent,
                                                   const std::string& root_session) override {
    return backend_->session_tree_costs(agent, root_session);
  }

  Result<ProblemSummary> problems(std::int64_t limit) override { return backend_->problems(limit); }

  Result<std::int64_t> acknowledge_problems() override {
    auto all = backend_->problems(kAllProblems);
    TALLY_TRY(all);
    auto acked = backend_->meta(kProblemsAckKey);
    TALLY_TRY(acked);
    std::set<std::string> keys = split_keys(*acked);
    for (const ParseProblem& p : all->first) {
      keys.insert(problem_key(p));
    }
    auto w = backend_->begin_write();
    TALLY_TRY(w);
    TALLY_TRY((*w)->put_meta(kProblemsAckKey, join_keys(keys)));
    TALLY_TRY((*w)->commit());
    return static_cast<std::int64_t>(all->first.size());
  }

  Result<ProblemSummary> new_problems(std::int64_t limit) override {
    auto acked = backend_->meta(kProblemsAckKey);
    TALLY_TRY(acked);
    if (acked->empty()) {
      return backend_->problems(limit);  // nothing acknowledged: the cheap query
    }
    const std::set<std::string> keys = split_keys(*acked);
    auto all = backend_->problems(kAllProblems);
    TALLY_TRY(all);
    ProblemSummary out;
    for (ParseProblem& p : all->first) {
      if (keys.count(problem_key(p)) != 0) {
        ++out.acknowledged;
        continue;
      }
      ++out.total;
      if (static_cast<std::int64_t>(out.first.size()) < limit) {
        out.first.push_back(std::move(p));
      }
    }
    return out;
  }

  Result<std::vector<SessionFacts>> sessions(const std::string& prefix) override {
    // Per-file rows, merged here: tool counts, file lists and compaction sizes are lists
    // that a store cannot add up (core/session_facts.h merge_session_facts).
    auto rows = backend_->file_facts(prefix);
    TALLY_TRY(rows);
    std::vector<SessionFacts> out;
    for (SessionFacts& f : *rows) {
      if (!out.empty() && out.back().agent == f.agent && out.back().session_id == f.session_id) {
        merge_session_facts(out.back(), f);
      } else {
        out.push_back(std::move(f));
      }
    }
    std::stable_sort(out.begin(), out.end(), [](const SessionFacts& a, const SessionFacts& b) {
      return a.first_ts < b.first_ts;
    });
    return out;
  }

  Result<std::int64_t> record_count() override { return backend_->record_count(); }

  Result<std::vector<PriceCheckRow>> price_check() override { return backend_->price_check(); }

 private:
  static constexpr const char* kFingerprintKey = "price_fingerprint";

  Result<std::int64_t> settle_dirty_sessions(const pricing::Pricer& pricer) {
    // Most runs (a statusline refresh, a report with nothing new) have nothing to settle:
    // they must not take the write lock or write anything at all.
    auto any = backend_->any_dirty();
    TALLY_TRY(any);
    if (!*any) {
      return std::int64_t{0};
    }
    auto w = backend_->begin_write();
    TALLY_TRY(w);
    auto sessions = (*w)->dirty_sessions();
    TALLY_TRY(sessions);
    SessionSettler settler(**w, pricer);
    for (const SessionKey& key : *sessions) {
      TALLY_TRY(settler.settle(key));
    }
    TALLY_TRY((*w)->clear_dirty());
    TALLY_TRY((*w)->commit());
    return static_cast<std::int64_t>(sessions->size());
  }

  std::unique_ptr<Backend> backend_;
};

}  // namespace

std::unique_ptr<Ledger> make_ledger(std::unique_ptr<Backend> backend) {
  return std::make_unique<AccountingLedger>(std::move(backend));
}

}  // namespace tally::store
