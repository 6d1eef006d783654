#include "sources/dir_watcher.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>

namespace tally::sources {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kMask =
    IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_ONLYDIR;
constexpr int kMaxDebounceMs = 2000;
constexpr int kMissingRootCheckMs = 5000;

int ms_until(Clock::time_point t) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now());
  return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

}  // namespace

DirWatcher::DirWatcher(std::vector<std::string> roots, int poll_interval_ms)
    : roots_(std::move(roots)),
      root_seen_(roots_.size(), false),
      poll_interval_ms_(std::max(100, poll_interval_ms)) {
  inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  for (std::size_t i = 0; i < roots_.size(); ++i) {
    std::error_code ec;
    root_seen_[i] = fs::is_directory(roots_[i], ec);
    if (root_seen_[i] && inotify_fd_ >= 0) {
      add_tree(roots_[i]);
    }
  }
  if (inotify_fd_ < 0) {
    signature_ = poll_signature();
  }
}

DirWatcher::~DirWatcher() {
  if (inotify_fd_ >= 0) {
    ::close(inotify_fd_);
  }
}

void DirWatcher::fall_back_to_polling() {
  if (inotify_fd_ >= 0) {
    ::close(inotify_fd_);
  }
  inotify_fd_ = -1;
  watches_ = 0;
  dirs_by_wd_.clear();
  signature_ = poll_signature();
}

void DirWatcher::add_tree(const std::string& dir) {
  std::vector<std::string> todo = {dir};
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      todo.push_back(it->path().string());
    }
  }
  for (const std::string& d : todo) {
    if (inotify_fd_ < 0) {
      return;
    }
    const int wd = ::inotify_add_watch(inotify_fd_, d.c_str(), kMask);
    if (wd < 0) {
      if (errno == ENOSPC || errno == ENOMEM) {
        fall_back_to_polling();  // out of watches: correctness first, then cost
        return;
      }
      continue;  // vanished or unreadable: nothing to watch there
    }
    if (static_cast<std::size_t>(wd) >= dirs_by_wd_.size()) {
      dirs_by_wd_.resize(static_cast<std::size_t>(wd) + 1);
    }
    if (dirs_by_wd_[static_cast<std::size_t>(wd)].empty()) {
      ++watches_;
    }
    dirs_by_wd_[static_cast<std::size_t>(wd)] = d;
  }
}

bool DirWatcher::drain_events() {
  alignas(inotify_event) char buf[16384];
  bool mattered = false;
  for (;;) {
    if (inotify_fd_ < 0) {
      return true;  // fell back to polling mid-way: report a change to be safe
    }
    const ssize_t n = ::read(inotify_fd_, buf, sizeof buf);
    if (n <= 0) {
      return mattered;  // EAGAIN: drained
    }
    for (ssize_t off = 0; off < n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
      off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      mattered = true;
      if ((ev->mask & IN_ISDIR) != 0 && (ev->mask & (IN_CREATE | IN_MOVED_TO)) != 0 &&
          ev->wd >= 0 && static_cast<std::size_t>(ev->wd) < dirs_by_wd_.size() && ev->len > 0) {
        add_tree(dirs_by_wd_[static_cast<std::size_t>(ev->wd)] + "/" + ev->name);
      }
    }
  }
}

bool DirWatcher::rescan_missing_roots() {
  bool appeared = false;
  for (std::size_t i = 0; i < roots_.size(); ++i) {
    std::error_code ec;
    if (!root_seen_[i] && fs::is_directory(roots_[i], ec)) {
      root_seen_[i] = true;
      appeared = true;
      if (inotify_fd_ >= 0) {
        add_tree(roots_[i]);
      }
    }
  }
  return appeared;
}

std::uint64_t DirWatcher::poll_signature() const {
  std::uint64_t h = 0;
  for (const std::string& root : roots_) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file(ec)) {
        continue;
      }
      const auto size = it->file_size(ec);
      const auto mtime = it->last_write_time(ec).time_since_epoch().count();
      h = mix(h, std::hash<std::string>{}(it->path().string()));
      h = mix(h, static_cast<std::uint64_t>(size));
      h = mix(h, static_cast<std::uint64_t>(mtime));
    }
  }
  return h;
}

DirWatcher::Wake DirWatcher::wait(int timeout_ms, int debounce_ms, int stop_fd) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    int step = ms_until(deadline);
    if (polling()) {
      step = std::min(step, poll_interval_ms_);
    }
    if (std::find(root_seen_.begin(), root_seen_.end(), false) != root_seen_.end()) {
      step = std::min(step, kMissingRootCheckMs);
    }
    pollfd fds[2] = {{stop_fd, POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
    const int ready = ::poll(fds, 2, step);
    if (ready < 0 && errno != EINTR) {
      return Wake::timeout;
    }
    if (stop_fd >= 0 && (fds[0].revents & POLLIN) != 0) {
      return Wake::interrupted;
    }
    bool changed = false;
    if (inotify_fd_ >= 0 && (fds[1].revents & POLLIN) != 0 && drain_events()) {
      changed = true;
      // Debounce: a burst of appends (a response streaming in) becomes one wake.
      const auto cap = Clock::now() + std::chrono::milliseconds(kMaxDebounceMs);
      while (inotify_fd_ >= 0 && Clock::now() < cap) {
        pollfd more[2] = {{stop_fd, POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
        const int r = ::poll(more, 2, std::min(debounce_ms, ms_until(cap)));
        if (r <= 0) {
          break;
        }
        if (stop_fd >= 0 && (more[0].revents & POLLIN) != 0) {
          return Wake::interrupted;
        }
        drain_events();
      }
    }
    if (polling()) {
      const std::uint64_t sig = poll_signature();
      if (sig != signature_) {
        signature_ = sig;
        changed = true;
      }
    }
    if (rescan_missing_roots()) {
      changed = true;
    }
    if (changed) {
      return Wake::changed;
    }
    if (ms_until(deadline) == 0) {
      return Wake::timeout;
    }
  }
}

}  // namespace tally::sources
