// A quick refresh: see refresh.h.

#include "ingest/refresh.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <set>
#include <string_view>
#include <unordered_map>

#include "ingest/discover.h"

namespace tally::ingest {
namespace {

std::string mark_path(const std::string& ledger_path) { return ledger_path + ".walked"; }

// The root of `roots` that `path` lies under ("" when none).
std::string_view root_of(std::string_view path, const std::vector<std::string>& roots) {
  for (const std::string& root : roots) {
    if (path.size() > root.size() && path.starts_with(root) && path[root.size()] == '/') {
      return root;
    }
  }
  return {};
}

// Adds the directories from `path`'s parent up to `root` (inclusive) to `dirs`.
void add_ancestors(std::string_view path, std::string_view root, std::set<std::string>& dirs) {
  while (true) {
    const size_t slash = path.find_last_of('/');
    if (slash == std::string_view::npos || slash < root.size()) {
      return;
    }
    path = path.substr(0, slash);
    if (!dirs.emplace(path).second) {
      return;  // it and everything above it are in already
    }
  }
}

}  // namespace

Result<RefreshPlan> plan_refresh(store::Ledger& ledger,
                                 const std::vector<std::unique_ptr<sources::Adapter>>& adapters,
                                 const sources::DiscoveryEnv& env,
                                 std::vector<sources::SourceFile> named,
                                 std::optional<std::int64_t> last_walk_ns, std::int64_t now_ns) {
  RefreshPlan plan;
  if (!last_walk_ns) {
    plan.walk_all = true;
    plan.reason = "no full walk recorded";
    return plan;
  }
  if (now_ns - *last_walk_ns > kWalkEveryNs) {
    plan.walk_all = true;
    plan.reason = "the last full walk is over 10 minutes old";
    return plan;
  }
  auto hot = ledger.cursors(now_ns - kHotWindowNs);
  TALLY_TRY(hot);
  std::unordered_map<std::string_view, const store::FileCursor*> cursor_of;
  for (const store::FileCursor& c : *hot) {
    cursor_of.emplace(c.path, &c);
  }
  std::vector<std::string> roots;
  std::set<std::string> dirs;
  for (const auto& adapter : adapters) {
    for (std::string& root : adapter->roots(env)) {
      while (root.size() > 1 && root.back() == '/') {
        root.pop_back();
      }
      dirs.insert(root);
      roots.push_back(std::move(root));
    }
  }
  // The files to look at: the named ones, then the hot ones of a known agent under a root
  // (a file outside every root would not be found by a full walk either).
  std::set<std::string_view> seen;
  for (const sources::SourceFile& f : named) {
    seen.insert(f.path);
  }
  for (const store::FileCursor& c : *hot) {
    if (seen.count(c.path) != 0 || root_of(c.path, roots).empty()) {
      continue;
    }
    for (const auto& adapter : adapters) {
      if (adapter->agent() == c.agent) {
        named.push_back(adapter->file_at(c.path));
        break;
      }
    }
  }
  for (const sources::SourceFile& f : named) {
    const std::string_view root = root_of(f.path, roots);
    if (!root.empty()) {
      add_ancestors(f.path, root, dirs);
    }
  }
  for (const std::string& dir : dirs) {
    const sources::FileStat st = sources::stat_path(dir);
    if (st.error == 0 && st.mtime_ns >= *last_walk_ns - kTimestampSlackNs) {
      plan.walk_all = true;
      plan.reason = "a log directory changed since the last full walk: " + dir;
      return plan;
    }
  }
  for (sources::SourceFile& f : named) {
    f.stat = sources::stat_path(f.path);
    ++plan.looked_at;
    if (f.stat->error == ENOENT) {
      continue;  // deleted: a full walk would not find it either, and the ledger keeps it
    }
    auto it = cursor_of.find(f.path);
    std::optional<store::FileCursor> stored;
    if (it == cursor_of.end()) {
      auto c = ledger.cursor(f.path);  // a named file not written lately
      TALLY_TRY(c);
      stored = std::move(*c);
    }
    const store::FileCursor* cursor = it != cursor_of.end() ? it->second
                                      : stored              ? &*stored
                                                            : nullptr;
    if (cursor == nullptr || f.stat->error != 0 || !unchanged(*cursor, *f.stat)) {
      plan.changed.push_back(std::move(f));
    }
  }
  return plan;
}

std::optional<std::int64_t> last_walk(const std::string& ledger_path) {
  const sources::FileStat st = sources::stat_path(mark_path(ledger_path));
  if (st.error != 0) {
    return std::nullopt;
  }
  return st.mtime_ns;
}

void mark_walk(const std::string& ledger_path, std::int64_t started_ns) {
  const std::string path = mark_path(ledger_path);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return;
  }
  const timespec t{static_cast<time_t>(started_ns / 1'000'000'000),
                   static_cast<long>(started_ns % 1'000'000'000)};
  const timespec times[2] = {t, t};
  (void)::futimens(fd, times);
  ::close(fd);
}

std::int64_t realtime_ns() {
  timespec t{};
  ::clock_gettime(CLOCK_REALTIME, &t);
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

}  // namespace tally::ingest
