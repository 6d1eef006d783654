#pragma once

// The mark of a new ledger's first load, `<ledger>-firstload`.
//
// A first load writes a whole history into a new file. It commits with synchronous=OFF:
// SQLite hands each commit to the kernel without waiting for the disk, which took a sixth
// of a cold run's time on 1 GB of logs (fsyncs of the journal, the directory and the file
// at every commit and cache spill). That is as safe as FULL against a killed process (the
// kernel has every write, and the journal rolls an unfinished commit back), but not against
// a crash of the machine: writes the disk never got may leave the file torn. So the file is
// marked while it holds writes the disk may not have:
//
//   1. Before its first write, the loading process creates the mark, holding an exclusive
//      flock(2) on it for as long as it lives, with the machine's boot id in it, and makes
//      the mark durable (fsync of the mark and of the directory).
//   2. It loads with synchronous=OFF.
//   3. When the load is done (Database::end_bulk_load), it commits one last write with
//      synchronous=EXTRA, which syncs the journal, the file (everything written before, too)
//      and the directory, and only then removes the mark (and syncs the directory again).
//      SQLite syncs the file itself: a second descriptor on it, once closed, would drop
//      SQLite's POSIX locks.
//
// A process that opens a marked ledger finds one of three things (inspect()):
//   - the mark's flock is held: the first load is running in another process. It works in
//     rollback mode with FULL sync meanwhile and never switches the file to WAL (the loader
//     writes without syncs and would go on doing so in WAL mode).
//   - the flock is free and the boot id is this boot's: the loader was killed; the kernel
//     still has its writes. This process adopts the mark and finishes step 3 at once.
//   - the boot id is another boot's: the machine stopped during the load, and the file may be
//     damaged in ways no check finds. Opening it fails with what to do (`tally rebuild`,
//     which builds the ledger from the logs that still exist: a first load holds nothing
//     else). A mark that outlived a completed load (a crash between the flush and the
//     removal) also lands here: loud, never wrong.
//
// Without a boot id (no /proc) no mark is made and a first load syncs as every load does.
// TALLY_BOOT_ID replaces the machine's boot id, for tests that simulate a restart.

#include <string>

#include "core/result.h"

namespace tally::store {

class FirstLoadMark {
 public:
  enum class State {
    none,            // no mark (or none can be made): sync as usual
    ours,            // this process holds the mark: load with synchronous=OFF, then finish()
    other_loader,    // another process is loading: FULL sync, no switch to WAL
    cut_by_restart,  // the machine restarted during the load: the file may be damaged
  };

  FirstLoadMark() = default;
  FirstLoadMark(FirstLoadMark&& o) noexcept;
  FirstLoadMark& operator=(FirstLoadMark&& o) noexcept;
  FirstLoadMark(const FirstLoadMark&) = delete;
  FirstLoadMark& operator=(const FirstLoadMark&) = delete;
  ~FirstLoadMark();  // releases the flock; the mark file stays unless finish() removed it

  // For a ledger file that has no pages yet: marks it (State::ours), or finds that another
  // process marked it first (State::other_loader). State::none when `ledger_path` is not a
  // file (":memory:"), the machine has no boot id, or the mark cannot be made durably.
  static FirstLoadMark begin(const std::string& ledger_path);

  // For a ledger file that has pages: what its mark (if any) says. An unheld mark of this
  // boot is adopted (State::ours: the caller finishes the load now). Fails (Errc::io) only
  // when a mark exists that cannot be read.
  static Result<FirstLoadMark> inspect(const std::string& ledger_path);

  State state() const { return state_; }
  // The boot id written in the mark (for messages).
  const std::string& boot_id() const { return boot_id_; }

  // The end of step 3, once the caller made the ledger durable (Database::end_bulk_load
  // commits a write with synchronous=EXTRA: the journal, the file and the directory are
  // synced): removes the mark and syncs the directory. Only for State::ours. On failure the
  // mark stays, and the next process to open the ledger adopts it and tries again.
  Status finish();

  // The mark's path for the ledger at `ledger_path`.
  static std::string path_for(const std::string& ledger_path);

  // The message for a ledger whose load a restart cut short.
  static std::string restart_message(const std::string& ledger_path, const std::string& boot_id);

 private:
  State state_ = State::none;
  int fd_ = -1;  // the mark, flock()ed, while State::ours
  std::string ledger_path_;
  std::string boot_id_;
};

// This machine's boot id (TALLY_BOOT_ID when set); "" when unknown.
std::string current_boot_id();

}  // namespace tally::store
