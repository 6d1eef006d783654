#include "cli/context.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "pricing/config.h"
#include "pricing/table_format.h"
#include "sources/adapter.h"
#include "store/open_ledger.h"

namespace tally::cli {
namespace {

// How long a command waits for a `tally rebuild` that is swapping the ledger (it holds the
// lock exclusively for the rename, milliseconds) or a writer (SQLite's busy timeout).
constexpr std::chrono::milliseconds kLockWait{60000};

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
  Result<std::vector<store::FileCursor>> cursors() override { return explained(inner_->cursors()); }
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
  Result<store::ProblemSummary> problems(std::int64_t limit) override {
    return explained(inner_->problems(limit));
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

std::string ledger_lock_path(const std::string& ledger_path) { return ledger_path + ".lock"; }

LedgerLock& LedgerLock::operator=(LedgerLock&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

LedgerLock::~LedgerLock() {
  if (fd_ >= 0) {
    ::close(fd_);  // releases the flock
  }
}

Result<LedgerLock> LedgerLock::take(const std::string& ledger_path, Mode mode,
                                    std::chrono::milliseconds wait) {
  const std::string path = ledger_lock_path(ledger_path);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return fail(Errc::io, fmt::format("cannot open the ledger's lock file {}: {}", path,
                                      std::strerror(errno)));
  }
  LedgerLock lock(fd);
  // Polled rather than blocking, so that the wait is bounded; a rebuild holds the lock
  // exclusively for milliseconds, and commands hold it shared for their whole run.
  const int op = (mode == Mode::shared ? LOCK_SH : LOCK_EX) | LOCK_NB;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (::flock(fd, op) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      return fail(Errc::io, fmt::format("cannot lock {}: {}", path, std::strerror(errno)));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail(Errc::unsupported,
                  mode == Mode::shared
                      ? fmt::format("the ledger {} is being replaced by `tally rebuild`, which "
                                    "has not finished: try again",
                                    ledger_path)
                      : fmt::format("another tally process keeps the ledger {} open (a "
                                    "`tally watch`, or a first run over a large history): "
                                    "let it finish or stop it, and try again",
                                    ledger_path));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return lock;
}

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

Result<std::unique_ptr<store::Ledger>> open_ledger(const std::string& path) {
  auto ledger = store::open_ledger(path);
  if (!ledger) {
    return Unexpected{explain_ledger_error(ledger.error(), path)};
  }
  return std::unique_ptr<store::Ledger>(new ExplainedLedger(std::move(*ledger), path));
}

ingest::IngestOptions ingest_options(const Config& config, bool demo) {
  ingest::IngestOptions io;
  io.env = sources::DiscoveryEnv::from_environment();
  if (demo) {
    io.env = sources::DiscoveryEnv{};
    io.env.home = config.data_dir + "/logs";
  }
  io.identity = ingest::Identity{config.user, config.machine, config.team};
  return io;
}

Result<ingest::IngestStats> ingest_logs(store::Ledger& ledger, const pricing::Pricer& pricer,
                                        const Config& config, bool demo, bool quiet) {
  ingest::IngestOptions io = ingest_options(config, demo);
  const bool show_progress = !quiet && isatty(STDERR_FILENO) != 0;
  bool printed = false;
  if (show_progress) {
    io.progress = [&printed](std::int64_t done, std::int64_t total) {
      // Only worth a line when there is real work (a cold start over a big history).
      if (total < 200) {
        return;
      }
      fmt::print(stderr, "\rtally: reading agent logs: {}/{} files", done, total);
      std::fflush(stderr);
      printed = true;
    };
  }
  auto stats = ingest::run_ingest(ledger, pricer, sources::all_adapters(), io);
  if (printed) {
    fmt::print(stderr, "\r\033[K");
  }
  return stats;
}

Result<std::unique_ptr<pricing::TablePricer>> load_pricer(const Config& config) {
  auto pricing_config = pricing::parse_pricing_config(config.config_text, config.config_path);
  TALLY_TRY(pricing_config);
  // A table imported with `tally prices import` sits between built-in and overrides.
  const std::string imported = imported_prices_path(config);
  std::ifstream in(imported, std::ios::binary);
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    auto rows = pricing::parse_price_table(ss.str(), imported);
    TALLY_TRY(rows);
    pricing_config->imported = std::move(*rows);
  }
  auto table = pricing::build_price_table(*pricing_config);
  TALLY_TRY(table);
  return pricing::TablePricer::create(std::move(*table), pricing_config->aliases);
}

std::string demo_dir(const Config& config) { return config.data_dir + "/demo"; }

Result<Context> prepare(const ContextOptions& options) {
  Context ctx;
  auto config = load_config();
  TALLY_TRY(config);
  ctx.config = std::move(*config);
  if (options.demo) {
    // The demo has a ledger and logs of its own, so the user's ledger is never touched.
    const std::string dir = demo_dir(ctx.config);
    if (!std::filesystem::exists(dir + "/logs")) {
      return fail(Errc::not_found, fmt::format("no demo data in {}: run `tally demo` first", dir));
    }
    ctx.config.data_dir = dir;
    ctx.config.origin["data_dir"] = "flag --demo";
    ctx.demo = true;
    fmt::print(stderr, "tally: note: DEMO DATA (synthetic, from `tally demo`), not your usage\n");
  }
  if (!options.timezone.empty()) {
    ctx.config.timezone = options.timezone;
    ctx.config.origin["timezone"] = "flag --timezone";
  }
  auto zone = Zone::use(ctx.config.timezone);
  TALLY_TRY(zone);
  ctx.zone = std::move(*zone);

  auto pricer = load_pricer(ctx.config);
  TALLY_TRY(pricer);
  ctx.pricer = std::move(*pricer);
  auto plans = pricing::parse_plans_config(ctx.config.config_text, ctx.config.config_path);
  TALLY_TRY(plans);
  ctx.plans = std::move(*plans);

  TALLY_TRY(make_dirs(ctx.config.data_dir));
  const std::string path = ledger_path(ctx.config);
  auto lock = LedgerLock::take(path, LedgerLock::Mode::shared, kLockWait);
  if (lock) {
    ctx.lock = std::move(*lock);
  } else if (lock.error().code != Errc::io) {
    return Unexpected{lock.error()};
  }
  // A lock file that cannot be made (a read-only data dir) only leaves a rebuild unsafe for
  // this run: SQLite's open says whether the ledger itself can be used.
  auto ledger = open_ledger(path);
  TALLY_TRY(ledger);
  ctx.ledger = std::move(*ledger);

  if (!options.no_ingest) {
    auto stats = ingest_logs(*ctx.ledger, *ctx.pricer, ctx.config, ctx.demo, options.quiet);
    TALLY_TRY(stats);
    ctx.ingest = std::move(*stats);
    ctx.ingested = true;
  }
  return ctx;
}

}  // namespace tally::cli
