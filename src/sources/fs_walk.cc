#include "sources/fs_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
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

using Visit = std::function<void(const std::string&, const FileStat&)>;

FileStat to_file_stat(const struct stat& st) {
  FileStat out;
  out.device = static_cast<std::uint64_t>(st.st_dev);
  out.inode = static_cast<std::uint64_t>(st.st_ino);
  out.size = static_cast<std::int64_t>(st.st_size);
  out.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  return out;
}

// fstatat(2) of `name` in the open directory `dir_fd`, symlinks followed as stat(2) does.
FileStat stat_at(int dir_fd, const char* name) {
  struct stat st {};
  if (fstatat(dir_fd, name, &st, 0) != 0) {
    FileStat failed;
    failed.error = errno;
    return failed;
  }
  return to_file_stat(st);
}

struct File {
  std::string path;
  FileStat stat;
};

struct Dir {
  std::string path;  // no trailing slash
  int depth = 0;
};

// A path list_dir could not read: its errno, and what was being done.
struct Failure {
  std::string path;
  int error = 0;
  const char* doing = "";  // "list directory", "read directory", "stat"
};

// The WalkProblems collecting on this thread, if any.
thread_local std::vector<ParseProblem>* t_problems = nullptr;

// Lists the directory `dir` with POSIX readdir and d_type (std::filesystem's iterator spent
// more on path objects than the kernel on the directories): its files ending in one of
// `suffixes` go to `files` with their stat, taken relative to the open directory (fstatat
// spares the kernel a lookup of every component of the path); its subdirectories within
// `max_depth` go to `dirs`. What cannot be read goes to `failed`, except what is not there
// (ENOENT: a missing root, a directory that vanished since it was listed, a dangling
// symlink), which is no loss.
void list_dir(const Dir& dir, int max_depth, std::initializer_list<std::string_view> suffixes,
              std::vector<File>& files, std::vector<Dir>& dirs, std::vector<Failure>& failed) {
  const int fd = open(dir.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) {
      failed.push_back(Failure{dir.path, errno, "list directory"});
    }
    return;
  }
  std::unique_ptr<DIR, DirCloser> stream(fdopendir(fd));
  if (!stream) {
    failed.push_back(Failure{dir.path, errno, "list directory"});
    close(fd);
    return;
  }
  for (;;) {
    errno = 0;  // readdir returns null at the end and on an error; only errno tells them apart
    const dirent* e = readdir(stream.get());
    if (e == nullptr) {
      if (errno != 0) {
        failed.push_back(Failure{dir.path, errno, "read directory"});
      }
      break;
    }
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") {
      continue;
    }
    unsigned char type = e->d_type;
    std::optional<FileStat> target;  // taken to learn a symlink's or an unknown entry's type
    if (type == DT_LNK || type == DT_UNKNOWN) {
      struct stat st {};
      if (fstatat(fd, e->d_name, &st, 0) != 0) {
        // A dangling link or a vanished entry holds nothing; a link loop or a directory
        // without search permission may hide logs.
        if (errno != ENOENT) {
          failed.push_back(Failure{dir.path + '/' + std::string(name), errno, "stat"});
        }
        continue;
      }
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
      target = to_file_stat(st);
    }
    if (type == DT_DIR) {
      if (dir.depth + 1 <= max_depth) {
        dirs.push_back(Dir{dir.path + '/' + std::string(name), dir.depth + 1});
      }
    } else if (type == DT_REG && has_suffix(name, suffixes)) {
      // No canonicalisation here (a realpath per file dominated warm runs): ingest reads a
      // file reached by two paths once, by device and inode. A failed stat travels with the
      // file (FileStat::error) and ingest reports it.
      files.push_back(
          File{dir.path + '/' + std::string(name), target ? *target : stat_at(fd, e->d_name)});
    }
  }
}

}  // namespace

WalkProblems::WalkProblems(std::vector<ParseProblem>& sink) : previous_(t_problems) {
  t_problems = &sink;
}

WalkProblems::~WalkProblems() { t_problems = previous_; }

FileStat stat_path(const std::string& path) { return stat_at(AT_FDCWD, path.c_str()); }

std::string base_name(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

void walk_files(const std::string& root, int max_depth,
                std::initializer_list<std::string_view> suffixes, const Visit& visit) {
  if (root.empty()) {
    return;
  }
  std::string path = root;
  while (path.size() > 1 && path.back() == '/') {
    path.pop_back();
  }
  // Directories wait on one stack, and two threads list them: a run with nothing new spends
  // most of its time listing directories and stat'ing files, in the kernel, and that work
  // splits well at any depth (Codex's sessions/YYYY/MM/DD has one directory per year at the
  // top). The second thread starts once two directories are waiting, so a small tree costs
  // no thread.
  std::mutex mu;
  std::condition_variable changed;
  std::vector<Dir> pending{Dir{path, 0}};
  int busy = 0;
  std::vector<File> found[2];
  std::vector<Failure> failed[2];  // per thread, like found
  std::optional<std::thread> helper;
  std::function<void(size_t)> work;
  work = [&](size_t self) {
    std::vector<File>& files = found[self];
    std::vector<Dir> subdirs;
    std::unique_lock lock(mu);
    for (;;) {
      changed.wait(lock, [&] { return !pending.empty() || busy == 0; });
      if (pending.empty()) {
        return;  // nothing waiting and nobody listing: the walk is done
      }
      const Dir dir = std::move(pending.back());
      pending.pop_back();
      ++busy;
      lock.unlock();
      subdirs.clear();
      list_dir(dir, max_depth, suffixes, files, subdirs, failed[self]);
      lock.lock();
      --busy;
      for (Dir& d : subdirs) {
        pending.push_back(std::move(d));
      }
      if (!helper && pending.size() >= 2 && self == 0) {
        helper.emplace([&] { work(1); });
      }
      changed.notify_all();
    }
  };
  work(0);
  if (helper) {
    helper->join();
  }
  if (t_problems != nullptr) {
    std::vector<Failure>& all_failed = failed[0];
    all_failed.insert(all_failed.end(), std::make_move_iterator(failed[1].begin()),
                      std::make_move_iterator(failed[1].end()));
    std::sort(all_failed.begin(), all_failed.end(),
              [](const Failure& a, const Failure& b) { return a.path < b.path; });
    for (Failure& f : all_failed) {
      // Formatted here, on one thread: strerror is not guaranteed thread-safe.
      t_problems->push_back(ParseProblem{
          std::move(f.path), 0, 0, fmt::format("cannot {}: {}", f.doing, std::strerror(f.error))});
    }
  }
  // Sorted by path, so the order does not depend on which thread listed what.
  std::vector<File>& all = found[0];
  all.insert(all.end(), std::make_move_iterator(found[1].begin()),
             std::make_move_iterator(found[1].end()));
  std::sort(all.begin(), all.end(), [](const File& a, const File& b) { return a.path < b.path; });
  for (const File& file : all) {
    visit(file.path, file.stat);
  }
}

}  // namespace tally::sources
