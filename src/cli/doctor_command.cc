// `tally doctor`: is the ledger healthy, and if not, what to do (app/doctor.h examines it,
// render/doctor_renderer.h says it in plain words).

#include <memory>
#include <string>

#include "app/doctor.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "render/doctor_renderer.h"

namespace tally::cli {
namespace {

constexpr std::string_view kHelp = R"(
Checks the ledger (where tally keeps every usage record it has read) and says in plain
words what is wrong and what to do. It only reads: it never changes the ledger or reads
the agents' logs. Exit status: 0 healthy, 1 not (or it could not be checked).

What it checks:
  file       the ledger opens as an SQLite database (not overwritten, cut short, or
             something else saved under its name)
  pages      every page is intact (PRAGMA quick_check); --full also compares every index
             with its table (PRAGMA integrity_check, slower)
  schema     written by this version of tally or an older one (a newer one's ledger must
             not be touched by this one)
  rollup     the 15-minute sums that daily, weekly, monthly, models and projects read
             equal the sums of the records (sessions and session views read the records)
  logs       which of the log files read earlier still exist: records from deleted logs
             are only in the ledger, and no rebuild can bring them back
  leftovers  files an interrupted `tally rebuild` left, and older ledgers it kept

When it is damaged: `tally rebuild` makes a new ledger from the logs that still exist and
keeps the damaged file beside it (ledger.db.<time>.bak). History whose logs were deleted is
only in the old file: keep it. SQLite's own tool can often save part of a damaged file:
  sqlite3 ledger.db.<time>.bak .recover > recovered.sql

Every other command that meets a damaged ledger stops with a message that names the file
and points here. A command whose reads miss the damaged pages still works: run doctor
after a crash or a full disk to know.)";

struct DoctorOptions {
  bool full = false;
};

int run_doctor(const DoctorOptions& o) {
  auto examined = app::examine_ledger(o.full);
  if (!examined) {
    return error_exit(examined.error());
  }
  const app::LedgerExamination& e = *examined;
  print(e.exists ? render::render_doctor(e.path, e.bytes, e.health, e.leftovers)
                 : render::render_no_ledger(e.path));
  return e.healthy() ? kExitOk : kExitFailure;
}

}  // namespace

Runner setup_doctor(CLI::App& sub) {
  auto options = std::make_shared<DoctorOptions>();
  sub.add_flag("--full", options->full, "also compare every index with its table (slower)");
  sub.footer(std::string(kHelp));
  return [options] { return run_doctor(*options); };
}

}  // namespace tally::cli
