#include "sources/fs_walk.h"

#include <dirent.h>
#include <sys/stat.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace tally::sources {
namespace {

bool has_suffix(std::string_view name, std::initializer_list<std::string_view> suffixes) {
  for (std::string_view s : suffixes) {
    if (name.size() >= s.size() && name.substr(name.size() - s.size()) == s) {
      return true;
    }
  }
  return false;
}

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};

// Walks `dir` (whose path is `path`, without a trailing slash) depth first. POSIX readdir
// with d_type: a warm run walks every log directory, and std::filesystem's iterator spent
// more on path objects than the kernel on the directories. With `defer_dir`, a subdirectory
// within reach is handed to it instead of being walked.
void walk_dir(std::string& path, int depth, int max_depth,
              std::initializer_list<std::string_view> suffixes,
              const std::function<void(const std::string&)>& visit,
              const std::function<void(const std::string&)>* defer_dir = nullptr) {
  std::unique_ptr<DIR, DirCloser> dir(opendir(path.c_str()));
  if (!dir) {
    return;  // vanished or unreadable: skipped, not an error
  }
  const size_t base = path.size();
  while (const dirent* e = readdir(dir.get())) {
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") {
      continue;
    }
    path.resize(base);
    path += '/';
    path += name;
    unsigned char type = e->d_type;
    if (type == DT_LNK || type == DT_UNKNOWN) {
      struct stat st {};
      if (stat(path.c_str(), &st) != 0) {
        continue;  // a dangling link or a vanished entry
      }
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
    }
    if (type == DT_DIR) {
      if (depth + 1 <= max_depth) {
        if (defer_dir != nullptr) {
          (*defer_dir)(path);
        } else {
          walk_dir(path, depth + 1, max_depth, suffixes, visit);
        }
      }
    } else if (type == DT_REG && has_suffix(name, suffixes)) {
      // No canonicalisation here (a realpath per file dominated warm runs): ingest stats
      // each file and reads a file reached by two paths once, by device and inode.
      visit(path);
    }
  }
  path.resize(base);
}

}  // namespace

std::string base_name(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

void walk_files(const std::string& root, int max_depth,
                std::initializer_list<std::string_view> suffixes,
                const std::function<void(const std::string&)>& visit) {
  if (root.empty()) {
    return;
  }
  std::string path = root;
  while (path.size() > 1 && path.back() == '/') {
    path.pop_back();
  }
  // The root's own entries first, in readdir order. Its subdirectories (Claude's projects,
  // Codex's years) are then walked by two threads: a warm run spends most of its time
  // listing directories, in the kernel, and that work splits well. `visit` still sees every
  // file from this thread, in the order a plain depth-first walk gives.
  struct Entry {
    std::string path;
    bool dir = false;
    std::vector<std::string> files;  // below a directory entry
  };
  std::vector<Entry> entries;
  size_t dirs = 0;
  const std::function<void(const std::string&)> defer = [&](const std::string& dir) {
    entries.push_back(Entry{dir, true, {}});
    ++dirs;
  };
  walk_dir(
      path, 0, max_depth, suffixes,
      [&](const std::string& file) { entries.push_back(Entry{file, false, {}}); }, &defer);
  std::atomic<size_t> next{0};
  auto work = [&] {
    std::string scratch;
    for (size_t i = next.fetch_add(1); i < entries.size(); i = next.fetch_add(1)) {
      Entry& entry = entries[i];
      if (entry.dir) {
        scratch = entry.path;
        walk_dir(scratch, 1, max_depth, suffixes,
                 [&](const std::string& file) { entry.files.push_back(file); });
      }
    }
  };
  if (dirs >= 2) {
    std::thread helper(work);
    work();
    helper.join();
  } else {
    work();
  }
  for (const Entry& entry : entries) {
    if (!entry.dir) {
      visit(entry.path);
    }
    for (const std::string& file : entry.files) {
      visit(file);
    }
  }
}

}  // namespace tally::sources
