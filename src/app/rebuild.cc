#include "app/rebuild.h"

#include <fmt/format.h>

#include <chrono>
#include <utility>

#include "app/ledger_lock.h"
#include "store/ledger_files.h"
#include "store/open_ledger.h"

namespace tally::app {
namespace {

// How long the swap waits for other tally processes to close the ledger: a report on a
// large history takes seconds; longer means one keeps it open.
constexpr std::chrono::seconds kSwapWait{30};

struct Built {
  ingest::IngestStats stats;
  std::int64_t records = 0;
};

// Step 1: the new ledger at `tmp`, as one file.
Result<Built> build(const std::string& tmp, const Config& config, const pricing::Pricer& pricer,
                    const Observer& observer) {
  Built out;
  {
    auto ledger = store::open_ledger(tmp);
    TALLY_TRY(ledger);
    auto stats = ingest_logs(**ledger, pricer, config, /*demo=*/false, observer);
    TALLY_TRY(stats);
    out.stats = std::move(*stats);
    auto records = (*ledger)->record_count();
    TALLY_TRY(records);
    out.records = *records;
  }
  TALLY_TRY(store::consolidate_ledger(tmp));
  return out;
}

// Steps 2 and 3.
Result<store::SwappedLedger> swap_in(const std::string& tmp, const std::string& path) {
  auto lock = LedgerLock::take(path, LedgerLock::Mode::exclusive, kSwapWait);
  TALLY_TRY(lock);
  return store::swap_in_ledger(tmp, path);
}

Error stopped(const std::string& path, const Error& e, const std::string& why) {
  return Error{e.code,
               fmt::format("the rebuild stopped, and the ledger {} is as it was: {}", path, why)};
}

}  // namespace

Result<RebuildOutcome> rebuild_ledger(const Observer& observer) {
  auto config = load_config();
  TALLY_TRY(config);
  auto pricer = load_pricer(*config);
  TALLY_TRY(pricer);
  TALLY_TRY(make_dirs(config->data_dir));
  const std::string path = ledger_path(*config);
  {
    // A process that keeps the ledger open (`tally watch`) would make the swap wait in vain
    // after the whole build: find out first.
    auto probe = LedgerLock::take(path, LedgerLock::Mode::exclusive, kSwapWait);
    if (!probe && probe.error().code != Errc::io) {
      return Unexpected{probe.error()};
    }
  }
  store::remove_stopped_rebuilds(path);
  const std::string tmp = store::rebuild_path(path);
  store::remove_ledger_files(tmp);

  auto built = build(tmp, *config, **pricer, observer);
  if (!built) {
    store::remove_ledger_files(tmp);
    const Error& e = built.error();
    return Unexpected{stopped(path, e,
                              store::ledger_fault(e) == store::LedgerFault::full
                                  ? fmt::format("the disk is full ({}): free some space and run "
                                                "`tally rebuild` again",
                                                store::fault_reason(e))
                                  : e.message)};
  }
  auto swapped = swap_in(tmp, path);
  if (!swapped) {
    store::remove_ledger_files(tmp);
    return Unexpected{stopped(path, swapped.error(), swapped.error().message)};
  }

  RebuildOutcome out;
  out.ledger = path;
  out.files = built->stats.files_found;
  out.records = built->records;
  out.backup = std::move(swapped->backup);
  out.side_files = swapped->side_files;
  if (!out.backup.empty()) {
    auto diff = store::compare_ledgers(out.backup, path);
    if (diff) {
      out.difference = *diff;
    } else {
      out.unreadable = store::fault_reason(diff.error());
    }
  }
  return out;
}

}  // namespace tally::app
