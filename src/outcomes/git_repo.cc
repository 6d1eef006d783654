#include "outcomes/git_repo.h"

#include <fmt/format.h>
#include <git2.h>

#include <filesystem>
#include <mutex>

namespace tally::outcomes {
namespace {

// libgit2 keeps global state; init it once for the life of the process (never shut down:
// other threads may still hold repositories when main returns).
void init_once() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

Unexpected git_failure(std::string_view what, int code) {
  const git_error* e = git_error_last();
  return fail(Errc::io,
              fmt::format("git: {}: {} ({})", what,
                          e != nullptr && e->message != nullptr ? e->message : "error", code));
}

std::string real_path(const char* path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::canonical(path, ec);
  std::string out = ec ? std::string(path) : p.string();
  while (out.size() > 1 && out.back() == '/') {
    out.pop_back();
  }
  return out;
}

std::string oid_hex(const git_oid* oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, oid);
  return buf;
}

}  // namespace

void GitRepo::Free::operator()(git_repository* repo) const { git_repository_free(repo); }

GitRepo::GitRepo(GitRepo&&) noexcept = default;
GitRepo& GitRepo::operator=(GitRepo&&) noexcept = default;
GitRepo::~GitRepo() = default;

Result<std::optional<GitRepo>> GitRepo::open_containing(const std::string& dir) {
  init_once();
  git_repository* raw = nullptr;
  const int rc = git_repository_open_ext(&raw, dir.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND) {
    return std::optional<GitRepo>();
  }
  if (rc < 0) {
    return git_failure(fmt::format("open {}", dir), rc);
  }
  GitRepo repo;
  repo.repo_.reset(raw);
  repo.id_ = real_path(git_repository_commondir(raw));
  if (const char* work = git_repository_workdir(raw); work != nullptr) {
    repo.workdir_ = real_path(work);
  }
  return std::optional<GitRepo>(std::move(repo));
}

Result<std::optional<CommitInfo>> GitRepo::find_commit(std::string_view short_sha) const {
  if (short_sha.size() < GIT_OID_MINPREFIXLEN || short_sha.size() > GIT_OID_HEXSZ) {
    return fail(Errc::invalid_argument,
                fmt::format("not a commit id: '{}' (4 to 40 hex digits)", short_sha));
  }
  git_oid prefix;
  if (git_oid_fromstrn(&prefix, short_sha.data(), short_sha.size()) < 0) {
    return fail(Errc::invalid_argument, fmt::format("not a commit id: '{}'", short_sha));
  }
  git_commit* commit = nullptr;
  const int rc = git_commit_lookup_prefix(&commit, repo_.get(), &prefix, short_sha.size());
  if (rc == GIT_ENOTFOUND) {
    return std::optional<CommitInfo>();
  }
  if (rc == GIT_EAMBIGUOUS) {
    return fail(Errc::invalid_argument,
                fmt::format("{} names several objects in {}: ambiguous", short_sha, id_));
  }
  if (rc < 0) {
    return git_failure(fmt::format("look up {} in {}", short_sha, id_), rc);
  }
  CommitInfo info;
  info.sha = oid_hex(git_commit_id(commit));
  const char* summary = git_commit_summary(commit);
  info.summary = summary != nullptr ? summary : "";
  info.committer_ms = static_cast<std::int64_t>(git_commit_time(commit)) * 1000;
  for (unsigned i = 0; i < git_commit_parentcount(commit); ++i) {
    info.parents.push_back(oid_hex(git_commit_parent_id(commit, i)));
  }
  git_commit_free(commit);
  return std::optional<CommitInfo>(std::move(info));
}

}  // namespace tally::outcomes
