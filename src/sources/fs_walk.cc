#include "sources/fs_walk.h"

#include <filesystem>
#include <system_error>

namespace tally::sources {
namespace fs = std::filesystem;

std::string base_name(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

void walk_files(const std::string& root, int max_depth,
                std::initializer_list<std::string_view> suffixes,
                const std::function<void(const std::string&)>& visit) {
  std::error_code ec;
  if (root.empty() || !fs::is_directory(root, ec)) {
    return;
  }
  fs::recursive_directory_iterator it(root,
                                      fs::directory_options::follow_directory_symlink |
                                          fs::directory_options::skip_permission_denied,
                                      ec);
  if (ec) {
    return;
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      // A directory vanished or became unreadable mid-walk: skip it and go on.
      ec.clear();
      continue;
    }
    if (it.depth() >= max_depth) {
      it.disable_recursion_pending();
    }
    const fs::directory_entry& entry = *it;
    std::error_code fec;
    if (!entry.is_regular_file(fec)) {
      continue;
    }
    const std::string name = entry.path().filename().string();
    bool match = false;
    for (std::string_view s : suffixes) {
      if (name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
        match = true;
        break;
      }
    }
    if (!match) {
      continue;
    }
    // No canonicalisation here (a realpath per file dominated warm runs): ingest stats each
    // file and reads a file reached by two paths once, by device and inode.
    visit(entry.path().string());
  }
}

}  // namespace tally::sources
