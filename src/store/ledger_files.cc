#include "store/ledger_files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string_view>

#include "store/open_ledger.h"

namespace tally::store {
namespace {

namespace fs = std::filesystem;

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

}  // namespace

std::string rebuild_path(const std::string& ledger_path) {
  return fmt::format("{}.rebuild-{}", ledger_path, ::getpid());
}

void remove_ledger_files(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-journal", "-wal", "-shm", "-firstload"}) {
    fs::remove(path + suffix, ec);
  }
}

void remove_stopped_rebuilds(const std::string& ledger_path) {
  for (const LeftoverFile& f : rebuild_leftovers(ledger_path)) {
    const fs::path p(f.path);
    const pid_t pid = rebuild_pid(fs::path(ledger_path).filename().string(), p.filename().string());
    if (pid > 0 && !process_alive(pid)) {
      remove_ledger_files(f.path);
    }
  }
}

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

Result<SwappedLedger> swap_in_ledger(const std::string& new_path, const std::string& path) {
  SwappedLedger out;
  std::error_code ec;
  bool linked = false;
  std::vector<const char*> moved;  // side files moved after the backup
  // Puts the old ledger back as it was, should a later step fail.
  auto undo = [&](const std::string& what, int err) -> Result<SwappedLedger> {
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
    (void)consolidate_ledger(path);
    out.backup = backup_name(path);
    linked = ::link(path.c_str(), out.backup.c_str()) == 0;
    if (!linked && ::rename(path.c_str(), out.backup.c_str()) != 0) {
      return fail(Errc::io, fmt::format("cannot keep the old ledger as {}: {}", out.backup,
                                        std::strerror(errno)));
    }
    // The mark of a first load that a restart cut short (sqlite/first_load.h) stays with
    // the file it describes.
    for (const char* suffix : {"-wal", "-journal", "-firstload"}) {
      const std::string side = path + suffix;
      if (!fs::exists(side, ec)) {
        continue;
      }
      if (::rename(side.c_str(), (out.backup + suffix).c_str()) != 0) {
        return undo(fmt::format("cannot move {} beside the backup", side), errno);
      }
      moved.push_back(suffix);
      out.side_files = out.side_files || std::string_view(suffix) != "-firstload";
    }
    fs::remove(path + "-shm", ec);
  }
  if (::rename(new_path.c_str(), path.c_str()) != 0) {
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

}  // namespace tally::store
