#include "app/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace tally::app {
namespace {

// Writes all of `data` to `fd`; false with errno set on failure.
bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

Status write_file_atomically(const std::string& path, const std::string& data) {
  struct stat old {};
  const bool replacing = ::stat(path.c_str(), &old) == 0 && S_ISREG(old.st_mode);
  const std::string tmp = fmt::format("{}.tmp-{}", path, getpid());
  const auto failed = [&](int err) {
    return fail(Errc::io, fmt::format("cannot write {}: {}", path, std::strerror(err)));
  };
  // O_EXCL: a stale temporary of a killed run with our pid is not written into (it may be
  // anyone's file by now); it is removed and made afresh.
  const int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC;
  const mode_t create_mode = replacing ? 0600 : 0666;
  int fd = ::open(tmp.c_str(), flags, create_mode);
  if (fd < 0 && errno == EEXIST && ::unlink(tmp.c_str()) == 0) {
    fd = ::open(tmp.c_str(), flags, create_mode);
  }
  if (fd < 0) {
    return failed(errno);
  }
  int err = write_all(fd, data) ? 0 : errno;
  if (err == 0 && replacing) {
    // The permission bits of the file replaced (not setuid and the like: this is a report).
    // Group bits meant for a group the new file cannot be given (only root or a member may
    // chown to it) are dropped rather than granted to ours.
    mode_t mode = old.st_mode & 0777;
    struct stat now {};
    if (::fstat(fd, &now) == 0 && now.st_gid != old.st_gid &&
        ::fchown(fd, static_cast<uid_t>(-1), old.st_gid) != 0) {
      mode &= ~static_cast<mode_t>(070);
    }
    err = ::fchmod(fd, mode) == 0 ? 0 : errno;
  }
  if (err == 0 && ::fsync(fd) != 0) {
    err = errno;
  }
  if (::close(fd) != 0 && err == 0) {
    err = errno;
  }
  if (err != 0) {
    ::unlink(tmp.c_str());
    return failed(err);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    err = errno;
    ::unlink(tmp.c_str());
    return failed(err);
  }
  return ok();
}

}  // namespace tally::app
