#include "sources/git_worktree.h"

#include <filesystem>
#include <fstream>
#include <string_view>
#include <system_error>

namespace tally::sources {
namespace {

namespace fs = std::filesystem;

// The first line of a small regular file, without its line end; nullopt otherwise.
std::optional<std::string> first_line(const fs::path& file) {
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (ec || !fs::is_regular_file(st) || fs::file_size(file, ec) > 4096 || ec) {
    return std::nullopt;
  }
  std::ifstream in(file);
  std::string line;
  if (!std::getline(in, line)) {
    return std::nullopt;
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
    line.pop_back();
  }
  return line;
}

// The common git directory of the linked worktree whose `.git` file is `dot_git`.
std::optional<fs::path> common_dir(const fs::path& dot_git) {
  const std::optional<std::string> line = first_line(dot_git);
  constexpr std::string_view kPrefix = "gitdir: ";
  if (!line || line->rfind(kPrefix, 0) != 0) {
    return std::nullopt;
  }
  fs::path gitdir(line->substr(kPrefix.size()));
  if (gitdir.is_relative()) {
    gitdir = dot_git.parent_path() / gitdir;
  }
  if (const std::optional<std::string> rel = first_line(gitdir / "commondir")) {
    const fs::path common(*rel);
    return (common.is_relative() ? gitdir / common : common).lexically_normal();
  }
  // Without commondir only the layout says it: <common>/worktrees/<name>. A submodule's
  // gitdir (<super>/.git/modules/<name>) is no worktree.
  if (gitdir.lexically_normal().parent_path().filename() == "worktrees") {
    return gitdir.lexically_normal().parent_path().parent_path();
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> worktree_repository(const std::string& path) {
  if (path.empty() || path.front() != '/') {
    return std::nullopt;
  }
  std::error_code ec;
  for (fs::path dir = fs::path(path).lexically_normal(); !dir.empty();
       dir = dir.parent_path()) {
    const fs::path dot_git = dir / ".git";
    const fs::file_status st = fs::symlink_status(dot_git, ec);
    if (!ec && fs::is_directory(st)) {
      return std::nullopt;  // a main worktree or a plain checkout: its own project
    }
    if (!ec && fs::is_regular_file(st)) {
      const std::optional<fs::path> common = common_dir(dot_git);
      if (!common) {
        return std::nullopt;
      }
      fs::path c = *common;
      if (c.filename().empty()) {
        c = c.parent_path();  // "../.." normalises to ".../.git/": drop the trailing '/'
      }
      const fs::path repo = c.filename() == ".git" ? c.parent_path() : c;
      return repo.string();
    }
    if (dir == dir.root_path()) {
      break;
    }
  }
  return std::nullopt;
}

}  // namespace tally::sources
