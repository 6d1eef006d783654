#pragma once

// Tells `tally watch` when the agents' log directories change, cheaply enough to sit idle
// at well under 1% of a core.
//
// Linux inotify watches every directory under the given roots (recursively; directories
// created later are added as their creation is seen). A root that does not exist yet is
// looked for again on every wait, so an agent installed while tally watches is picked up.
// When inotify is unavailable or runs out of watches (fs.inotify.max_user_watches), the
// watcher falls back to polling: it compares the size and mtime of every file under the
// roots once per `poll_interval_ms`.
//
// Not thread-safe; one owner.

#include <cstdint>
#include <string>
#include <vector>

namespace tally::sources {

class DirWatcher {
 public:
  enum class Wake { changed, timeout, interrupted };

  // Starts watching `roots`. Never fails: without inotify it polls.
  DirWatcher(std::vector<std::string> roots, int poll_interval_ms);
  ~DirWatcher();
  DirWatcher(const DirWatcher&) = delete;
  DirWatcher& operator=(const DirWatcher&) = delete;

  // Waits up to `timeout_ms` for a change under the roots. After the first change it keeps
  // collecting until the directories have been quiet for `debounce_ms` (at most 2 s), so a
  // burst of appends gives one wake. Returns `interrupted` as soon as `stop_fd` (may be -1)
  // becomes readable.
  Wake wait(int timeout_ms, int debounce_ms, int stop_fd);

  // True when inotify is not in use (unavailable, or out of watches).
  bool polling() const { return inotify_fd_ < 0; }
  // How many directories inotify watches.
  std::size_t watched() const { return watches_; }

 private:
  void add_tree(const std::string& dir);
  bool drain_events();  // reads pending inotify events; true when any mattered
  bool rescan_missing_roots();
  std::uint64_t poll_signature() const;
  void fall_back_to_polling();

  std::vector<std::string> roots_;
  std::vector<bool> root_seen_;
  int poll_interval_ms_;
  int inotify_fd_ = -1;
  std::size_t watches_ = 0;
  std::vector<std::string> dirs_by_wd_;  // index: watch descriptor
  std::uint64_t signature_ = 0;          // polling mode: the last poll_signature()
};

}  // namespace tally::sources
