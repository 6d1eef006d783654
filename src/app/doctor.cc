#include "app/doctor.h"

#include <chrono>
#include <filesystem>

#include "app/config.h"
#include "app/ledger_lock.h"
#include "store/open_ledger.h"

namespace tally::app {

Result<LedgerExamination> examine_ledger(bool full) {
  auto config = load_config();
  TALLY_TRY(config);
  LedgerExamination out;
  out.path = ledger_path(*config);
  std::error_code ec;
  if (!std::filesystem::exists(out.path, ec)) {
    return out;
  }
  out.exists = true;
  auto lock = LedgerLock::take(out.path, LedgerLock::Mode::shared, std::chrono::seconds(60));
  if (!lock && lock.error().code != Errc::io) {
    return Unexpected{lock.error()};
  }
  out.health = store::check_ledger(out.path, full);
  out.bytes = std::filesystem::file_size(out.path, ec);
  out.leftovers = store::rebuild_leftovers(out.path);
  return out;
}

}  // namespace tally::app
