// `tally rebuild`: a new ledger from the logs that still exist, the old one kept beside it.
//
// The order of steps is what makes a kill at any moment harmless:
//  1. The new ledger is built under a name no other command opens (<ledger>.rebuild-<pid>),
//     while the old one stays in use; then it is made a single file (no -wal, no -journal).
//     Killed here, the old ledger is untouched; the next rebuild removes the partial file.
//  2. Under the ledger lock, taken exclusively (context.h app::LedgerLock: no tally process has
//     the old file open, none opens it until the swap is done), the old ledger is made a
//     single file too where SQLite can (a damaged one may not be), then hard-linked to its
//     backup name, its -wal and -journal moved after it, its -shm (an index of the WAL,
//     rebuilt from it) removed. Killed here, the old ledger is still in place.
//  3. One rename puts the new ledger in place: ledger.db is always a whole ledger, old or
//     new. Only then is the lock released.
// A backup is never written after step 2, so it is what the old ledger held at the swap.

#include "cli/rebuild_command.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/context.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "store/open_ledger.h"

namespace tally::cli {
namespace {

namespace fs = std::filesystem;

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

// How long the swap waits for other tally processes to close the ledger: a report on a
// large history takes seconds; longer means one keeps it open.
constexpr std::chrono::seconds kSwapWait{30};

bool process_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

// The pid in "<ledger>.rebuild-<pid>", or 0 when `name` is not such a file of `base`.
pid_t rebuild_pid(const std::string& base, const std::string& name) {
  const std::string prefix = base + ".rebuild-";
  if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size()) {
    return 0;
  }
  const std::string digits = name.substr(prefix.size());
  if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) {
    return 0;
  }
  return static_cast<pid_t>(std::atoi(digits.c_str()));
}

// Removes a ledger file and the side files SQLite keeps beside it.
void remove_ledger_files(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
    fs::remove(path + suffix, ec);
  }
}

// The partial ledgers of rebuilds whose process is gone.
void remove_stopped_rebuilds(const std::string& ledger) {
  for (const LeftoverFile& f : rebuild_leftovers(ledger)) {
    const fs::path p(f.path);
    const pid_t pid = rebuild_pid(fs::path(ledger).filename().string(), p.filename().string());
    if (pid > 0 && !process_alive(pid)) {
      remove_ledger_files(f.path);
    }
  }
}

// "<ledger>.20261122T220907Z.bak", or with "-2", "-3"... when a rebuild in the same second
// kept one already.
std::string backup_name(const std::string& ledger) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  std::string name = fmt::format("{}.{}.bak", ledger, stamp);
  std::error_code ec;
  for (int n = 2; fs::exists(name, ec) || fs::exists(name + "-wal", ec); ++n) {
    name = fmt::format("{}.{}-{}.bak", ledger, stamp, n);
  }
  return name;
}

// Makes renames in `dir` durable.
void sync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    (void)::fsync(fd);
    ::close(fd);
  }
}

struct Built {
  ingest::IngestStats stats;
  std::int64_t records = 0;
};

// Step 1: the new ledger at `tmp`, as one file.
Result<Built> build(const std::string& tmp, const app::Config& config,
                    const pricing::Pricer& pricer, const app::Observer& observer) {
  Built out;
  {
    auto ledger = store::open_ledger(tmp);
    TALLY_TRY(ledger);
    auto stats = app::ingest_logs(**ledger, pricer, config, /*demo=*/false, observer);
    TALLY_TRY(stats);
    out.stats = std::move(*stats);
    auto records = (*ledger)->record_count();
    TALLY_TRY(records);
    out.records = *records;
  }
  TALLY_TRY(store::consolidate_ledger(tmp));
  return out;
}

// Steps 2 and 3, under the exclusive lock. Returns the backup's name ("" when there was no
// old ledger) and whether its side files came along (it could not be made one file).
struct Swapped {
  std::string backup;
  bool side_files = false;
};

Result<Swapped> swap_in(const std::string& tmp, const std::string& path) {
  auto lock = app::LedgerLock::take(path, app::LedgerLock::Mode::exclusive, kSwapWait);
  TALLY_TRY(lock);
  Swapped out;
  std::error_code ec;
  bool linked = false;
  std::vector<const char*> moved;  // side files moved after the backup
  // Puts the old ledger back as it was, should a later step fail.
  auto undo = [&](const std::string& what, int err) -> Result<Swapped> {
    for (const char* suffix : moved) {
      ::rename((out.backup + suffix).c_str(), (path + suffix).c_str());
    }
    if (linked) {
      ::unlink(out.backup.c_str());
    } else {
      ::rename(out.backup.c_str(), path.c_str());
    }
    return fail(Errc::io, fmt::format("{}: {}", what, std::strerror(err)));
  };
  if (fs::exists(path, ec)) {
    // SQLite's own recovery first, as any tally run's open would do it (roll back an
    // interrupted write, checkpoint the WAL): the backup is then one file. A damaged ledger
    // may refuse; its side files then go along with it.
    (void)store::consolidate_ledger(path);
    out.backup = backup_name(path);
    linked = ::link(path.c_str(), out.backup.c_str()) == 0;
    if (!linked && ::rename(path.c_str(), out.backup.c_str()) != 0) {
      return fail(Errc::io, fmt::format("cannot keep the old ledger as {}: {}", out.backup,
                                        std::strerror(errno)));
    }
    for (const char* suffix : {"-wal", "-journal"}) {
      const std::string side = path + suffix;
      if (!fs::exists(side, ec)) {
        continue;
      }
      if (::rename(side.c_str(), (out.backup + suffix).c_str()) != 0) {
        return undo(fmt::format("cannot move {} beside the backup", side), errno);
      }
      moved.push_back(suffix);
      out.side_files = true;
    }
    fs::remove(path + "-shm", ec);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    if (out.backup.empty()) {
      return fail(Errc::io, fmt::format("cannot put the new ledger in place of {}: {}", path,
                                        std::strerror(err)));
    }
    return undo(fmt::format("cannot put the new ledger in place of {}", path), err);
  }
  sync_dir(fs::path(path).parent_path().string());
  return out;
}

int run_rebuild(const RebuildOptions& o) {
  auto config = app::load_config();
  if (!config) {
    return error_exit(config.error());
  }
  auto pricer = app::load_pricer(*config);
  if (!pricer) {
    return error_exit(pricer.error());
  }
  if (auto made = app::make_dirs(config->data_dir); !made) {
    return error_exit(made.error());
  }
  const std::string path = app::ledger_path(*config);
  {
    // A process that keeps the ledger open (`tally watch`) would make the swap wait in vain
    // after the whole build: find out first.
    auto probe = app::LedgerLock::take(path, app::LedgerLock::Mode::exclusive, kSwapWait);
    if (!probe && probe.error().code != Errc::io) {
      return error_exit(probe.error());
    }
  }
  remove_stopped_rebuilds(path);
  const std::string tmp = fmt::format("{}.rebuild-{}", path, ::getpid());
  remove_ledger_files(tmp);

  auto built = build(tmp, *config, **pricer, terminal_observer(o.quiet));
  if (!built) {
    remove_ledger_files(tmp);
    const Error& e = built.error();
    const std::string why = store::ledger_fault(e) == store::LedgerFault::full
                                ? fmt::format(
                                      "the disk is full ({}): free some space and run "
                                      "`tally rebuild` again",
                                      store::fault_reason(e))
                                : e.message;
    return error_exit(Error{e.code, fmt::format("the rebuild stopped, and the ledger {} is as it "
                                                "was: {}",
                                                path, why)});
  }
  auto swapped = swap_in(tmp, path);
  if (!swapped) {
    remove_ledger_files(tmp);
    return error_exit(Error{swapped.error().code,
                            fmt::format("the rebuild stopped, and the ledger {} is as it was: {}",
                                        path, swapped.error().message)});
  }

  std::string out = fmt::format(
      "Rebuilt the ledger {} from the logs that still exist: {} log files, {} records.\n", path,
      built->stats.files_found, built->records);
  if (swapped->backup.empty()) {
    out += "There was no ledger before: nothing else to keep.\n";
    print(out);
    return kExitOk;
  }
  out += fmt::format("The old ledger is kept as {}{}.\n", swapped->backup,
                     swapped->side_files ? " (with its -wal or -journal: keep them together)" : "");
  auto diff = store::compare_ledgers(swapped->backup, path);
  if (diff && diff->only_in_old == 0) {
    out += fmt::format("Every one of its {} requests is in the new ledger: nothing was lost.\n",
                       diff->old_records);
  }
  print(out);
  if (!diff) {
    fmt::print(stderr,
               "tally: warning: the old ledger cannot be read to compare ({}): whatever it held "
               "from logs that were deleted is only in {}: keep it\n",
               store::fault_reason(diff.error()), swapped->backup);
  } else if (diff->only_in_old > 0) {
    fmt::print(stderr,
               "tally: warning: {} of the old ledger's {} requests (from {} log files that were "
               "deleted) are not in the new one: no rebuild can bring them back, and reports "
               "now leave them out. Their history is only in {}: keep it (to go back to it: "
               "mv '{}' '{}')\n",
               diff->only_in_old, diff->old_records, diff->old_files_not_read, swapped->backup,
               swapped->backup, path);
  }
  return kExitOk;
}

}  // namespace

std::vector<LeftoverFile> rebuild_leftovers(const std::string& ledger_path) {
  std::vector<LeftoverFile> out;
  const fs::path ledger(ledger_path);
  const std::string base = ledger.filename().string();
  std::error_code ec;
  fs::directory_iterator it(ledger.parent_path(), ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(base + ".", 0) != 0) {
      continue;
    }
    if (const pid_t pid = rebuild_pid(base, name); pid > 0) {
      out.push_back({it->path().string(),
                     process_alive(pid)
                         ? std::string("the new ledger of a `tally rebuild` that is running")
                         : std::string("the partial ledger of a `tally rebuild` that was stopped: "
                                       "the next rebuild removes it, or delete it")});
    } else if (name.size() > 4 && name.compare(name.size() - 4, 4, ".bak") == 0) {
      const std::uintmax_t bytes = fs::file_size(it->path(), ec);
      out.push_back({it->path().string(),
                     fmt::format("an older ledger kept by `tally rebuild` ({:.1f} MB): delete it "
                                 "(and any -wal or -journal beside it) once you no longer need "
                                 "its history",
                                 ec ? 0.0 : static_cast<double>(bytes) / (1 << 20))});
      ec.clear();
    }
  }
  std::sort(out.begin(), out.end(),
            [](const LeftoverFile& a, const LeftoverFile& b) { return a.path < b.path; });
  return out;
}

Runner setup_rebuild(CLI::App& sub) {
  auto options = std::make_shared<RebuildOptions>();
  sub.add_flag("-q,--quiet", options->quiet, "no progress output on stderr");
  sub.footer(std::string(kHelp));
  return [options] { return run_rebuild(*options); };
}

}  // namespace tally::cli
