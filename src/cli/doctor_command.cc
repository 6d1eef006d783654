// `tally doctor`: is the ledger healthy, and if not, what to do (app/doctor.h examines it;
// this says it in plain words).

#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <string>

#include "app/doctor.h"
#include "cli/commands.h"
#include "cli/common.h"

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

std::string human_bytes(std::uintmax_t bytes) {
  if (bytes >= (1U << 20)) {
    return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1 << 20));
  }
  return fmt::format("{:.1f} kB", static_cast<double>(bytes) / 1024);
}

const char* label(store::LedgerFinding::Level level) {
  switch (level) {
    case store::LedgerFinding::Level::ok:
      return "ok     ";
    case store::LedgerFinding::Level::note:
      return "note   ";
    case store::LedgerFinding::Level::problem:
      return "PROBLEM";
  }
  return "";
}

int run_doctor(const DoctorOptions& o) {
  auto examined = app::examine_ledger(o.full);
  if (!examined) {
    return error_exit(examined.error());
  }
  const std::string& path = examined->path;
  std::string out = fmt::format("Ledger: {}\n", path);
  if (!examined->exists) {
    out += "  ok       there is no ledger yet: the first report makes one\n";
    print(out);
    return kExitOk;
  }
  const store::LedgerHealth& h = examined->health;
  out += fmt::format("  size     {}\n", human_bytes(examined->bytes));
  for (const store::LedgerFinding& f : h.findings) {
    out += fmt::format("  {}  {}\n", label(f.level), f.what);
  }
  for (const store::LeftoverFile& f : examined->leftovers) {
    out += fmt::format("  note     {}: {}\n", f.path, f.what);
  }

  const bool healthy = h.exists && !h.damaged && !h.newer;
  if (healthy) {
    out += "\nThe ledger is healthy.\n";
    if (h.files_gone > 0) {
      out += fmt::format(
          "Keep it: {} requests in it come from logs that were deleted, and no rebuild can bring "
          "them back.\n",
          h.records_gone);
    }
    print(out);
    return kExitOk;
  }
  if (h.newer) {
    out +=
        "\nThis tally is older than the ledger. Upgrade tally; do not rebuild the ledger with "
        "this one.\n";
    print(out);
    return kExitFailure;
  }
  out += fmt::format(
      "\nThe ledger is damaged. What to do:\n"
      "  tally rebuild    makes a new ledger from the logs that still exist; this file is kept\n"
      "                   beside it as {}.<time>.bak\n",
      std::filesystem::path(path).filename().string());
  if (h.files > 0) {
    out += fmt::format(
        "History whose logs were deleted cannot be rebuilt: {} of the {} files read are gone, "
        "so their requests ({}) stay only in the old file. Keep it.\n",
        h.files_gone, h.files, h.records_gone);
  } else {
    out +=
        "History whose logs were deleted cannot be rebuilt: it stays only in the old file. "
        "Keep it.\n";
  }
  out += fmt::format(
      "To save what SQLite can of the old file: sqlite3 '{}.<time>.bak' .recover > recovered.sql\n",
      path);
  print(out);
  return kExitFailure;
}

}  // namespace

Runner setup_doctor(CLI::App& sub) {
  auto options = std::make_shared<DoctorOptions>();
  sub.add_flag("--full", options->full, "also compare every index with its table (slower)");
  sub.footer(std::string(kHelp));
  return [options] { return run_doctor(*options); };
}

}  // namespace tally::cli
