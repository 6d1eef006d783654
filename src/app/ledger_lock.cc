#include "app/ledger_lock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace tally::app {

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

}  // namespace tally::app
