#include "app/explained_ledger.h"

#include <fmt/format.h>

#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "store/open_ledger.h"

namespace tally::app {
namespace {

// The SQLite ledger with every error explained (explain_ledger_error): a report that reads
// a damaged page, or an ingest that fills the disk, says what happened to which file and
// what to do, whichever command ran it.
class ExplainedLedger final : public store::Ledger {
 public:
  ExplainedLedger(std::unique_ptr<store::Ledger> inner, std::string path)
      : inner_(std::move(inner)), path_(std::move(path)) {}

  Result<std::optional<store::FileCursor>> cursor(const std::string& path) override {
    return explained(inner_->cursor(path));
  }
  Result<std::vector<store::FileCursor>> cursors(std::int64_t min_mtime_ns) override {
    return explained(inner_->cursors(min_mtime_ns));
  }
  Result<std::int64_t> stream_sequence(const std::string& machine,
                                       const std::string& source) override {
    return explained(inner_->stream_sequence(machine, source));
  }
  Result<std::unique_ptr<store::LedgerWrite>> begin_write(const pricing::Pricer& pricer) override {
    auto write = inner_->begin_write(pricer);
    if (!write) {
      return Unexpected{explain_ledger_error(write.error(), path_)};
    }
    return std::unique_ptr<store::LedgerWrite>(new Write(std::move(*write), path_));
  }
  Result<std::int64_t> reconcile(const pricing::Pricer& pricer) override {
    return explained(inner_->reconcile(pricer));
  }
  Result<std::int64_t> reprice_if_needed(const pricing::Pricer& pricer) override {
    return explained(inner_->reprice_if_needed(pricer));
  }
  Result<std::vector<store::AggregateRow>> aggregate(const store::RecordFilter& filter,
                                                     const store::GroupBy& group) override {
    return explained(inner_->aggregate(filter, group));
  }
  Result<std::vector<store::UsageEvent>> events(const store::RecordFilter& filter) override {
    return explained(inner_->events(filter));
  }

  Result<std::vector<TimeMs>> active_buckets(std::optional<TimeMs> since) override {
    return explained(inner_->active_buckets(since));
  }

  bool read_only() const override { return inner_->read_only(); }

  Result<std::vector<store::TreeCost>> session_tree_costs(
      Agent agent, const std::string& root_session) override {
    return explained(inner_->session_tree_costs(agent, root_session));
  }
  Result<store::ProblemSummary> problems(std::int64_t limit) override {
    return explained(inner_->problems(limit));
  }
  Result<std::int64_t> acknowledge_problems() override {
    return explained(inner_->acknowledge_problems());
  }
  Result<store::ProblemSummary> new_problems(std::int64_t limit) override {
    return explained(inner_->new_problems(limit));
  }
  Result<std::vector<SessionFacts>> sessions(const std::string& prefix) override {
    return explained(inner_->sessions(prefix));
  }
  Result<std::int64_t> record_count() override { return explained(inner_->record_count()); }
  Result<std::vector<store::PriceCheckRow>> price_check() override {
    return explained(inner_->price_check());
  }

 private:
  class Write final : public store::LedgerWrite {
   public:
    Write(std::unique_ptr<store::LedgerWrite> inner, const std::string& path)
        : inner_(std::move(inner)), path_(path) {}
    Result<store::CommitStats> apply(std::span<store::WriteBatch> batches) override {
      auto stats = inner_->apply(batches);
      if (!stats) {
        return Unexpected{explain_ledger_error(stats.error(), path_)};
      }
      return stats;
    }
    Status commit() override {
      Status done = inner_->commit();
      if (!done) {
        return Unexpected{explain_ledger_error(done.error(), path_)};
      }
      return done;
    }

   private:
    std::unique_ptr<store::LedgerWrite> inner_;
    const std::string& path_;  // the ledger's, which outlives its writes
  };

  template <typename T>
  Result<T> explained(Result<T> r) const {
    if (!r) {
      return Unexpected{explain_ledger_error(r.error(), path_)};
    }
    return r;
  }

  std::unique_ptr<store::Ledger> inner_;
  std::string path_;
};

}  // namespace

Error explain_ledger_error(const Error& e, const std::string& path) {
  if (e.message.find("tally doctor") != std::string::npos ||
      e.message.find("free some space") != std::string::npos) {
    return e;  // explained already (a write inside an explained ledger)
  }
  switch (store::ledger_fault(e)) {
    case store::LedgerFault::damaged:
      return Error{e.code, fmt::format("the ledger {} is damaged ({}): `tally doctor` says what "
                                       "is wrong, and `tally rebuild` makes a new ledger from "
                                       "the logs that still exist (keeping this file)",
                                       path, store::fault_reason(e))};
    case store::LedgerFault::full:
      return Error{e.code, fmt::format("the disk holding the ledger {} is full ({}): what this "
                                       "run had not committed was not saved, and the ledger is "
                                       "intact; free some space and run tally again, it reads "
                                       "on from where the ledger stops",
                                       path, store::fault_reason(e))};
    case store::LedgerFault::none:
      break;
  }
  // A newer tally's ledger: say which file.
  if (e.code == Errc::unsupported && e.message.rfind("the ledger has", 0) == 0) {
    return Error{e.code, fmt::format("the ledger {}{}", path, e.message.substr(10))};
  }
  return e;
}

Result<std::unique_ptr<store::Ledger>> open_ledger(const std::string& path,
                                                   const store::OpenOptions& options) {
  auto ledger = store::open_ledger(path, options);
  if (!ledger) {
    return Unexpected{explain_ledger_error(ledger.error(), path)};
  }
  return std::unique_ptr<store::Ledger>(new ExplainedLedger(std::move(*ledger), path));
}

}  // namespace tally::app
