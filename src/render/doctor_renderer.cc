#include "render/doctor_renderer.h"

#include <fmt/format.h>

#include <filesystem>

#include "render/utf8.h"

namespace tally::render {
namespace {

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

}  // namespace

std::string render_no_ledger(const std::string& path) {
  return fmt::format("Ledger: {}\n  ok       there is no ledger yet: the first report makes one\n",
                     terminal_safe(path));
}

std::string render_doctor(const std::string& path, std::uintmax_t bytes,
                          const store::LedgerHealth& h,
                          const std::vector<store::LeftoverFile>& leftovers) {
  // SQLite's findings and the names of files found beside the ledger are not tally's text:
  // escaped like log text on its way to a terminal.
  std::string out = fmt::format("Ledger: {}\n", terminal_safe(path));
  out += fmt::format("  size     {}\n", human_bytes(bytes));
  for (const store::LedgerFinding& f : h.findings) {
    out += fmt::format("  {}  {}\n", label(f.level), terminal_safe(f.what));
  }
  for (const store::LeftoverFile& f : leftovers) {
    out += fmt::format("  note     {}: {}\n", terminal_safe(f.path), terminal_safe(f.what));
  }

  if (h.exists && !h.damaged && !h.newer) {
    out += "\nThe ledger is healthy.\n";
    if (h.files_gone > 0) {
      out += fmt::format(
          "Keep it: {} requests in it come from logs that were deleted, and no rebuild can bring "
          "them back.\n",
          h.records_gone);
    }
    return out;
  }
  if (h.newer) {
    out +=
        "\nThis tally is older than the ledger. Upgrade tally; do not rebuild the ledger with "
        "this one.\n";
    return out;
  }
  out += fmt::format(
      "\nThe ledger is damaged. What to do:\n"
      "  tally rebuild    makes a new ledger from the logs that still exist; this file is kept\n"
      "                   beside it as {}.<time>.bak\n",
      terminal_safe(std::filesystem::path(path).filename().string()));
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
      terminal_safe(path));
  return out;
}

}  // namespace tally::render
