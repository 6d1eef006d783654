// The in-memory backend: see memory_backend.h.

#include "store/memory_backend.h"

#include <algorithm>
#include <mutex>
#include <utility>

#include "store/memory_state.h"

namespace tally::store {

class MemoryStore {
 public:
  // The last committed state: readers keep the pointer, so a commit never changes what
  // a read in progress sees.
  std::shared_ptr<const MemoryState> committed() const {
    std::lock_guard<std::mutex> lock(state_mu_);
    return committed_;
  }
  void publish(std::shared_ptr<const MemoryState> next) {
    std::lock_guard<std::mutex> lock(state_mu_);
    committed_ = std::move(next);
  }
  std::mutex& write_mutex() { return write_mu_; }

 private:
  mutable std::mutex state_mu_;
  std::mutex write_mu_;  // one writer at a time (backend.h)
  std::shared_ptr<const MemoryState> committed_ = std::make_shared<MemoryState>();
};

namespace {

bool root_matches(const UsageRecord& r, const SessionKey& key) {
  return r.agent == key.agent && root_session_of(r) == key.session;
}

class MemoryWrite final : public BackendWrite {
 public:
  explicit MemoryWrite(std::shared_ptr<MemoryStore> store)
      : store_(std::move(store)),
        lock_(store_->write_mutex()),
        state_(std::make_shared<MemoryState>(*store_->committed())) {}

  Result<std::optional<FileCursor>> file_cursor(const std::string& machine,
                                                const std::string& path) override {
    auto it = state_->files.find({machine, path});
    if (it == state_->files.end()) {
      return std::optional<FileCursor>();
    }
    FileCursor c = it->second;
    c.parser_state.clear();
    return std::optional<FileCursor>(std::move(c));
  }

  Status put_file_cursor(const FileCursor& c) override {
    state_->files[{c.machine, c.path}] = c;
    return ok();
  }

  Result<std::int64_t> stream_sequence(const std::string& machine,
                                       const std::string& source) override {
    auto it = state_->streams.find({machine, source});
    return it == state_->streams.end() ? std::int64_t{0} : it->second;
  }

  Status put_stream_sequence(const StreamPosition& p) override {
    state_->streams[{p.machine, p.source}] = p.sequence;
    return ok();
  }

  Result<std::optional<UsageRecord>> insert_record(const UsageRecord& r,
                                                   const pricing::Cost& cost) override {
    auto [it, fresh] = state_->records.try_emplace(r.id, StoredRecord{r, cost});
    if (fresh) {
      return std::optional<UsageRecord>();
    }
    return std::optional<UsageRecord>(it->second.record);
  }

  Status replace_record(const UsageRecord& r, const pricing::Cost& cost) override {
    state_->records[r.id] = StoredRecord{r, cost};
    return ok();
  }

  Status set_cost(const std::string& id, std::optional<double> reported,
                  const pricing::Cost& cost) override {
    auto it = state_->records.find(id);
    if (it == state_->records.end()) {
      return ok();  // as an UPDATE of no row
    }
    it->second.cost = cost;
    if (reported) {
      it->second.record.reported_cost_usd = reported;
    }
    return ok();
  }

  Result<std::vector<UsageRecord>> all_records() override {
    std::vector<UsageRecord> out;
    out.reserve(state_->records.size());
    for (const auto& [id, stored] : state_->records) {
      out.push_back(stored.record);
    }
    return out;
  }

  Result<std::vector<UsageRecord>> session_records(const SessionKey& key,
                                                   std::optional<RecordKind> kind,
                                                   const std::string& model) override {
    std::vector<UsageRecord> out;
    for (const auto& [id, stored] : state_->records) {
      const UsageRecord& r = stored.record;
      if (root_matches(r, key) && (!kind || r.kind == *kind) &&
          (model.empty() || r.model == model)) {
        out.push_back(r);
      }
    }
    std::stable_sort(out.begin(), out.end(), [](const UsageRecord& a, const UsageRecord& b) {
      return a.ts < b.ts;  // ties stay in id order
    });
    return out;
  }

  Result<std::vector<LoggedUsage>> logged_usage(const SessionKey& key) override {
    std::vector<LoggedUsage> out;
    for (const auto& [id, stored] : state_->records) {
      const UsageRecord& r = stored.record;
      if (r.kind == RecordKind::response && root_matches(r, key)) {
        out.push_back(LoggedUsage{r.model, r.ts, r.tokens});
      }
    }
    return out;
  }

  Result<std::optional<UsageRecord>> first_response(const SessionKey& key) override {
    const UsageRecord* first = nullptr;  // records are in id order: ties keep the lower id
    for (const auto& [id, stored] : state_->records) {
      const UsageRecord& r = stored.record;
      if (r.kind != RecordKind::response || !root_matches(r, key)) {
        continue;
      }
      const auto rank = [](const UsageRecord& x) {
        return std::pair(!x.parent_session_id.empty(), x.ts);
      };
      if (first == nullptr || rank(r) < rank(*first)) {
        first = &r;
      }
    }
    return first != nullptr ? std::optional<UsageRecord>(*first) : std::nullopt;
  }

  Status delete_unlogged(const SessionKey& key) override {
    std::erase_if(state_->records, [&key](const auto& entry) {
      const UsageRecord& r = entry.second.record;
      return r.kind == RecordKind::unlogged && root_matches(r, key);
    });
    return ok();
  }

  Status put_snapshot(const std::string& machine, const CumulativeSnapshot& s) override {
    state_->snapshots[{machine, s.source_file, s.source_offset, s.model}] = s;
    return ok();
  }

  Status put_facts(const std::string& machine, const std::string& path,
                   const SessionFacts& f) override {
    state_->facts[{machine, f.agent, f.session_id, f.file_key}] = StoredFacts{path, f};
    return ok();
  }

  Status put_problem(const std::string& machine, const ParseProblem& p) override {
    state_->problems[{machine, p.file, p.line}] = p;
    return ok();
  }

  Status delete_file_rows(const std::string& machine, const std::string& path) override {
    std::erase_if(state_->problems, [&](const auto& entry) {
      return std::get<0>(entry.first) == machine && std::get<1>(entry.first) == path;
    });
    std::erase_if(state_->facts, [&](const auto& entry) {
      return std::get<0>(entry.first) == machine && entry.second.path == path;
    });
    return ok();
  }

  Result<std::vector<CumulativeSnapshot>> snapshots(const SessionKey& key) override {
    std::vector<CumulativeSnapshot> out;
    for (const auto& [k, s] : state_->snapshots) {
      if (s.agent == key.agent && s.session_id == key.session) {
        out.push_back(s);
      }
    }
    return out;
  }

  Result<std::vector<SessionKey>> sessions_with_reported_cost() override {
    std::set<SessionKey> keys;
    for (const auto& [k, s] : state_->snapshots) {
      if (s.cost_usd) {
        keys.insert(SessionKey{s.agent, s.session_id});
      }
    }
    return std::vector<SessionKey>(keys.begin(), keys.end());
  }

  Status mark_dirty(const std::vector<SessionKey>& keys) override {
    state_->dirty.insert(keys.begin(), keys.end());
    return ok();
  }

  Result<std::vector<SessionKey>> dirty_sessions() override {
    return std::vector<SessionKey>(state_->dirty.begin(), state_->dirty.end());
  }

  Status clear_dirty() override {
    state_->dirty.clear();
    return ok();
  }

  Result<std::string> meta(const std::string& key) override {
    auto it = state_->meta.find(key);
    return it == state_->meta.end() ? std::string() : it->second;
  }

  Status put_meta(const std::string& key, const std::string& value) override {
    state_->meta[key] = value;
    return ok();
  }

  Status commit() override {
    if (!state_) {
      return fail(Errc::invalid_argument, "the write was committed already");
    }
    store_->publish(std::move(state_));
    state_.reset();
    return ok();
  }

 private:
  std::shared_ptr<MemoryStore> store_;
  std::unique_lock<std::mutex> lock_;
  std::shared_ptr<MemoryState> state_;  // the working copy; published at commit
};

class MemoryBackend final : public Backend {
 public:
  explicit MemoryBackend(std::shared_ptr<MemoryStore> store) : store_(std::move(store)) {}

  Result<std::unique_ptr<BackendWrite>> begin_write() override {
    return std::unique_ptr<BackendWrite>(new MemoryWrite(store_));
  }

  Result<std::optional<FileCursor>> file_cursor(const std::string& machine,
                                                const std::string& path) override {
    auto s = store_->committed();
    auto it = s->files.find({machine, path});
    return it == s->files.end() ? std::optional<FileCursor>() : std::optional(it->second);
  }

  Result<std::vector<FileCursor>> file_cursors(const std::string& machine,
                                               std::int64_t min_mtime_ns) override {
    auto s = store_->committed();
    std::vector<FileCursor> out;
    for (const auto& [key, c] : s->files) {
      if (key.first == machine && c.mtime_ns >= min_mtime_ns) {
        out.push_back(c);
        out.back().parser_state.clear();
      }
    }
    return out;
  }

  Result<std::int64_t> stream_sequence(const std::string& machine,
                                       const std::string& source) override {
    auto s = store_->committed();
    auto it = s->streams.find({machine, source});
    return it == s->streams.end() ? std::int64_t{0} : it->second;
  }

  Result<bool> any_dirty() override { return !store_->committed()->dirty.empty(); }

  Result<std::string> meta(const std::string& key) override {
    auto s = store_->committed();
    auto it = s->meta.find(key);
    return it == s->meta.end() ? std::string() : it->second;
  }

  Result<std::vector<AggregateRow>> aggregate(const RecordFilter& filter,
                                              const GroupBy& group) override {
    return memory_aggregate(*store_->committed(), filter, group);
  }

  Result<std::vector<UsageEvent>> events(const RecordFilter& filter) override {
    return memory_events(*store_->committed(), filter);
  }

  Result<std::vector<TimeMs>> active_buckets(std::optional<TimeMs> since) override {
    return memory_active_buckets(*store_->committed(), since);
  }

  Result<std::vector<TreeCost>> session_tree_costs(Agent agent,
                                                   const std::string& root_session) override {
    RecordFilter filter;
    filter.agent = agent;
    filter.root_session = root_session;
    std::vector<TreeCost> out;
    for (UsageEvent& e : memory_events(*store_->committed(), filter)) {
      TreeCost c;
      c.ts = e.ts;
      c.own_response = e.session_id == root_session && e.kind == RecordKind::response;
      if (c.own_response) {
        c.model = std::move(e.model);
      }
      c.prompt_tokens = e.tokens.prompt();
      c.cost_usd = e.cost_usd;
      c.cost_source = e.cost_source;
      out.push_back(std::move(c));
    }
    return out;
  }

  Result<ProblemSummary> problems(std::int64_t limit) override {
    auto s = store_->committed();
    std::vector<std::pair<std::tuple<std::string, std::int64_t, std::string>, ParseProblem>> all;
    for (const auto& [key, p] : s->problems) {
      all.emplace_back(std::make_tuple(std::get<1>(key), std::get<2>(key), std::get<0>(key)), p);
    }
    std::sort(all.begin(), all.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    ProblemSummary out;
    out.total = static_cast<std::int64_t>(all.size());
    for (size_t i = 0; i < all.size() && static_cast<std::int64_t>(i) < limit; ++i) {
      out.first.push_back(all[i].second);
    }
    return out;
  }

  Result<std::vector<SessionFacts>> file_facts(const std::string& prefix) override {
    auto s = store_->committed();
    std::vector<const std::pair<const std::tuple<std::string, Agent, std::string, std::string>,
                                StoredFacts>*>
        rows;
    for (const auto& entry : s->facts) {
      if (entry.second.facts.session_id.compare(0, prefix.size(), prefix) == 0) {
        rows.push_back(&entry);
      }
    }
    auto order = [](const auto* e) {
      const SessionFacts& f = e->second.facts;
      return std::make_tuple(agent_name(f.agent), std::string_view(f.session_id), f.first_ts,
                             std::string_view(f.file_key), std::string_view(std::get<0>(e->first)));
    };
    std::sort(rows.begin(), rows.end(),
              [&](const auto* a, const auto* b) { return order(a) < order(b); });
    std::vector<SessionFacts> out;
    out.reserve(rows.size());
    for (const auto* e : rows) {
      out.push_back(e->second.facts);
    }
    return out;
  }

  Result<std::int64_t> record_count() override {
    return static_cast<std::int64_t>(store_->committed()->records.size());
  }

  Result<std::vector<PriceCheckRow>> price_check() override {
    return memory_price_check(*store_->committed());
  }

 private:
  std::shared_ptr<MemoryStore> store_;
};

}  // namespace

std::shared_ptr<MemoryStore> make_memory_store() { return std::make_shared<MemoryStore>(); }

std::shared_ptr<MemoryStore> named_memory_store(const std::string& name) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<MemoryStore>> stores;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = stores[name];
  if (!slot) {
    slot = make_memory_store();
  }
  return slot;
}

std::unique_ptr<Backend> open_memory_backend(std::shared_ptr<MemoryStore> store) {
  return std::make_unique<MemoryBackend>(std::move(store));
}

}  // namespace tally::store
