#pragma once

// The lock every process that has a ledger open holds on `<ledger>.lock` (flock(2)): shared
// by every command (app/context.h prepare()), exclusive only while `tally rebuild` swaps a
// new ledger in (app/rebuild.h).
//
// SQLite names a ledger's -wal, -shm and -journal after its path, not its inode: a process
// that had the old file open while it was renamed would go on writing side files under the
// new ledger's name (and, closing, delete its WAL). Holding the lock exclusively proves that
// no tally has the file open, and none opens it until the swap is done.

#include <chrono>
#include <string>

#include "core/result.h"

namespace tally::app {

// A held lock on a ledger. Move-only; released when destroyed.
class LedgerLock {
 public:
  enum class Mode { shared, exclusive };
  LedgerLock() = default;
  LedgerLock(LedgerLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  LedgerLock& operator=(LedgerLock&& o) noexcept;
  LedgerLock(const LedgerLock&) = delete;
  LedgerLock& operator=(const LedgerLock&) = delete;
  ~LedgerLock();

  // Takes the lock of the ledger at `ledger_path`, creating its lock file (0600), and waits
  // up to `wait` for a process holding it the other way. Fails with Errc::io when the lock
  // file cannot be made or opened, Errc::unsupported when the wait runs out (the message
  // says another tally process is using the ledger).
  static Result<LedgerLock> take(const std::string& ledger_path, Mode mode,
                                 std::chrono::milliseconds wait);

 private:
  explicit LedgerLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// The lock file of the ledger at `ledger_path`.
std::string ledger_lock_path(const std::string& ledger_path);

}  // namespace tally::app
