// `tally rebuild`: a new ledger from the logs that still exist, the old one kept beside it
// (app/rebuild.h builds and swaps; this says what happened).

#include <fmt/format.h>

#include <memory>
#include <string>

#include "app/rebuild.h"
#include "cli/commands.h"
#include "cli/common.h"

namespace tally::cli {
namespace {

constexpr std::string_view kHelp = R"(
Makes a new ledger from the agents' logs that still exist, and keeps the old ledger beside
it as <ledger>.<UTC time>.bak (with its -wal or -journal, if it had one), so nothing is
thrown away. Use it when `tally doctor` finds the ledger damaged, or every command says so.

What a rebuild cannot bring back: agents delete old logs (Claude Code after 30 days by
default), and the ledger is what kept their history. Requests whose logs are gone are
only in the old file; the rebuild counts them and says so. Keep the old file for that
history, or go back to it with mv.

Safe to stop at any moment: the new ledger is built under a temporary name while the old
one stays in use, and one rename swaps it in. Other tally commands wait for the swap
(milliseconds); a `tally watch` keeps the ledger open, so stop it first.

Examples:
  tally doctor && echo fine     check first
  tally rebuild                 new ledger from the logs; the old one kept as a .bak)";

struct RebuildOptions {
  bool quiet = false;
};

int run_rebuild(const RebuildOptions& o) {
  auto rebuilt = app::rebuild_ledger(terminal_observer(o.quiet));
  if (!rebuilt) {
    return error_exit(rebuilt.error());
  }
  const app::RebuildOutcome& r = *rebuilt;
  std::string out = fmt::format(
      "Rebuilt the ledger {} from the logs that still exist: {} log files, {} records.\n", r.ledger,
      r.files, r.records);
  if (r.backup.empty()) {
    out += "There was no ledger before: nothing else to keep.\n";
    print(out);
    return kExitOk;
  }
  out += fmt::format("The old ledger is kept as {}{}.\n", r.backup,
                     r.side_files ? " (with its -wal or -journal: keep them together)" : "");
  if (r.difference && r.difference->only_in_old == 0) {
    out += fmt::format("Every one of its {} requests is in the new ledger: nothing was lost.\n",
                       r.difference->old_records);
  }
  print(out);
  if (!r.difference) {
    fmt::print(stderr,
               "tally: warning: the old ledger cannot be read to compare ({}): whatever it held "
               "from logs that were deleted is only in {}: keep it\n",
               r.unreadable, r.backup);
  } else if (r.difference->only_in_old > 0) {
    fmt::print(stderr,
               "tally: warning: {} of the old ledger's {} requests (from {} log files that were "
               "deleted) are not in the new one: no rebuild can bring them back, and reports "
               "now leave them out. Their history is only in {}: keep it (to go back to it: "
               "mv '{}' '{}')\n",
               r.difference->only_in_old, r.difference->old_records,
               r.difference->old_files_not_read, r.backup, r.backup, r.ledger);
  }
  return kExitOk;
}

}  // namespace

Runner setup_rebuild(CLI::App& sub) {
  auto options = std::make_shared<RebuildOptions>();
  sub.add_flag("-q,--quiet", options->quiet, "no progress output on stderr");
  sub.footer(std::string(kHelp));
  return [options] { return run_rebuild(*options); };
}

}  // namespace tally::cli
