#include "store/sqlite/first_load.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace tally::store {
namespace {

bool is_file_path(const std::string& path) {
  return !path.empty() && path != ":memory:" && path.rfind("file:", 0) != 0;
}

std::string directory_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) {
    return ".";
  }
  return slash == 0 ? "/" : path.substr(0, slash);
}

bool sync_directory(const std::string& path) {
  const int fd = ::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return false;
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  return synced;
}

// True when `fd` is still the file at `path` (not a mark another process removed).
bool same_file(int fd, const std::string& path) {
  struct stat by_fd {};
  struct stat by_path {};
  return ::fstat(fd, &by_fd) == 0 && ::stat(path.c_str(), &by_path) == 0 &&
         by_fd.st_dev == by_path.st_dev && by_fd.st_ino == by_path.st_ino;
}

std::string first_line(int fd) {
  std::string text;
  char buf[128];
  for (off_t at = 0; text.size() < 256;) {
    const ssize_t got = ::pread(fd, buf, sizeof buf, at);
    if (got <= 0) {
      break;
    }
    text.append(buf, static_cast<size_t>(got));
    at += got;
  }
  return text.substr(0, text.find('\n'));
}

}  // namespace

std::string current_boot_id() {
  if (const char* forced = std::getenv("TALLY_BOOT_ID"); forced != nullptr) {
    return forced;
  }
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

FirstLoadMark::FirstLoadMark(FirstLoadMark&& o) noexcept
    : state_(o.state_),
      fd_(o.fd_),
      ledger_path_(std::move(o.ledger_path_)),
      boot_id_(std::move(o.boot_id_)) {
  o.state_ = State::none;
  o.fd_ = -1;
}

FirstLoadMark& FirstLoadMark::operator=(FirstLoadMark&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    state_ = o.state_;
    fd_ = o.fd_;
    ledger_path_ = std::move(o.ledger_path_);
    boot_id_ = std::move(o.boot_id_);
    o.state_ = State::none;
    o.fd_ = -1;
  }
  return *this;
}

FirstLoadMark::~FirstLoadMark() {
  if (fd_ >= 0) {
    ::close(fd_);  // releases the flock
  }
}

std::string FirstLoadMark::path_for(const std::string& ledger_path) {
  return ledger_path + "-firstload";
}

std::string FirstLoadMark::restart_message(const std::string& ledger_path,
                                           const std::string& boot_id) {
  return fmt::format(
      "the first load of the ledger {} was cut short by a restart of the machine (boot {}, "
      "marked by {}): writes the disk had not yet received may be lost or torn, in ways no "
      "check finds. `tally rebuild` makes a new ledger from the logs that still exist (a "
      "first load holds nothing else) and keeps this file",
      ledger_path, boot_id.empty() ? "unknown" : boot_id, path_for(ledger_path));
}

FirstLoadMark FirstLoadMark::begin(const std::string& ledger_path) {
  FirstLoadMark out;
  const std::string boot = current_boot_id();
  if (!is_file_path(ledger_path) || boot.empty()) {
    return out;
  }
  const std::string mark = path_for(ledger_path);
  const int fd = ::open(mark.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return out;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    out.state_ = errno == EWOULDBLOCK ? State::other_loader : State::none;
    return out;
  }
  const std::string text = boot + "\n" + std::to_string(::getpid()) + "\n";
  const bool durable =
      same_file(fd, mark) && ::ftruncate(fd, 0) == 0 &&
      ::pwrite(fd, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size()) &&
      ::fsync(fd) == 0 && sync_directory(mark);
  if (!durable) {
    ::unlink(mark.c_str());
    ::close(fd);
    return out;  // State::none: this load syncs as any other
  }
  out.state_ = State::ours;
  out.fd_ = fd;
  out.ledger_path_ = ledger_path;
  out.boot_id_ = boot;
  return out;
}

Result<FirstLoadMark> FirstLoadMark::inspect(const std::string& ledger_path) {
  FirstLoadMark out;
  if (!is_file_path(ledger_path)) {
    return out;
  }
  const std::string mark = path_for(ledger_path);
  // Read-only is enough to flock(2), and lets a reader of a ledger it cannot write check it.
  const int fd = ::open(mark.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) {
      return out;
    }
    return fail(Errc::io, fmt::format("cannot open {}: {}", mark, std::strerror(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      out.state_ = State::other_loader;
      return out;
    }
    return fail(Errc::io, fmt::format("cannot lock {}: {}", mark, std::strerror(err)));
  }
  if (!same_file(fd, mark)) {
    ::close(fd);  // the loader finished and removed it meanwhile
    return out;
  }
  out.boot_id_ = first_line(fd);
  out.ledger_path_ = ledger_path;
  const std::string boot = current_boot_id();
  if (boot.empty() || out.boot_id_ != boot) {
    ::close(fd);
    out.state_ = State::cut_by_restart;
    return out;
  }
  out.state_ = State::ours;  // adopted: its loader was killed, the kernel has its writes
  out.fd_ = fd;
  return out;
}

Status FirstLoadMark::finish() {
  if (state_ != State::ours) {
    return ok();
  }
  const std::string mark = path_for(ledger_path_);
  if (::unlink(mark.c_str()) != 0 && errno != ENOENT) {
    return fail(Errc::io, fmt::format("cannot remove {}: {}", mark, std::strerror(errno)));
  }
  // Not synced, the removal could come undone in a crash: the next open would then call a
  // whole ledger cut short (loud, not wrong). Sync it anyway to make that rare.
  sync_directory(mark);
  ::close(fd_);
  fd_ = -1;
  state_ = State::none;
  return ok();
}

}  // namespace tally::store
