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

// A libgit2 handle, freed on every path out of the function that holds it.
template <typename T>
using Owned = std::unique_ptr<T, void (*)(T*)>;
template <typename T>
Owned<T> own(T* handle, void (*free)(T*)) {
  return Owned<T>(handle, free);
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

Result<GitRepo::OwnedTree> GitRepo::tree_of(const std::string& sha, bool first_parent) const {
  git_oid id;
  if (git_oid_fromstr(&id, sha.c_str()) < 0) {
    return fail(Errc::invalid_argument, fmt::format("not a full commit id: '{}'", sha));
  }
  git_commit* raw_commit = nullptr;
  if (const int rc = git_commit_lookup(&raw_commit, repo_.get(), &id); rc < 0) {
    return git_failure(fmt::format("look up {} in {}", sha, id_), rc);
  }
  auto commit = own(raw_commit, &git_commit_free);
  if (first_parent) {
    if (git_commit_parentcount(commit.get()) == 0) {
      return OwnedTree(nullptr, &git_tree_free);  // a root commit: against the empty tree
    }
    git_commit* parent = nullptr;
    if (const int rc = git_commit_parent(&parent, commit.get(), 0); rc < 0) {
      return git_failure(fmt::format("read the parent of {}", sha), rc);
    }
    commit = own(parent, &git_commit_free);
  }
  git_tree* tree = nullptr;
  if (const int rc = git_commit_tree(&tree, commit.get()); rc < 0) {
    return git_failure(fmt::format("read the tree of {}", sha), rc);
  }
  return OwnedTree(tree, &git_tree_free);
}

Result<GitRepo::OwnedDiff> GitRepo::diff(const std::string& base, const std::string& head) const {
  auto from = base.empty() ? tree_of(head, true) : tree_of(base, false);
  TALLY_TRY(from);
  auto to = tree_of(head, false);
  TALLY_TRY(to);
  git_diff* raw = nullptr;
  if (const int rc = git_diff_tree_to_tree(&raw, repo_.get(), from->get(), to->get(), nullptr);
      rc < 0) {
    return git_failure(fmt::format("diff {}", head), rc);
  }
  return OwnedDiff(raw, &git_diff_free);
}

Result<std::string> GitRepo::patch_id(const std::string& base, const std::string& head) const {
  auto d = diff(base, head);
  TALLY_TRY(d);
  git_oid id;
  if (const int rc = git_diff_patchid(&id, d->get(), nullptr); rc < 0) {
    return git_failure(fmt::format("patch id of {}", head), rc);
  }
  return oid_hex(&id);
}

Result<std::optional<std::string>> GitRepo::merge_base(const std::string& a,
                                                       const std::string& b) const {
  git_oid ia;
  git_oid ib;
  if (git_oid_fromstr(&ia, a.c_str()) < 0 || git_oid_fromstr(&ib, b.c_str()) < 0) {
    return fail(Errc::invalid_argument, fmt::format("not full commit ids: '{}', '{}'", a, b));
  }
  git_oid out;
  const int rc = git_merge_base(&out, repo_.get(), &ia, &ib);
  if (rc == GIT_ENOTFOUND) {
    return std::optional<std::string>();
  }
  if (rc < 0) {
    return git_failure(fmt::format("merge base of {} and {}", a, b), rc);
  }
  return std::optional<std::string>(oid_hex(&out));
}

Result<std::vector<WalkedCommit>> GitRepo::walk(const std::string& tip,
                                                std::int64_t since_ms) const {
  git_oid id;
  if (git_oid_fromstr(&id, tip.c_str()) < 0) {
    return fail(Errc::invalid_argument, fmt::format("not a full commit id: '{}'", tip));
  }
  git_revwalk* raw = nullptr;
  if (const int rc = git_revwalk_new(&raw, repo_.get()); rc < 0) {
    return git_failure("start a walk", rc);
  }
  auto walker = own(raw, &git_revwalk_free);
  git_revwalk_sorting(walker.get(), GIT_SORT_TIME);
  if (const int rc = git_revwalk_push(walker.get(), &id); rc < 0) {
    return git_failure(fmt::format("walk from {}", tip), rc);
  }
  std::vector<WalkedCommit> out;
  git_oid next;
  while (git_revwalk_next(&next, walker.get()) == 0) {
    git_commit* raw_commit = nullptr;
    if (const int rc = git_commit_lookup(&raw_commit, repo_.get(), &next); rc < 0) {
      return git_failure("read a commit of the walk", rc);
    }
    auto commit = own(raw_commit, &git_commit_free);
    const std::int64_t ms = static_cast<std::int64_t>(git_commit_time(commit.get())) * 1000;
    if (ms < since_ms) {
      break;
    }
    out.push_back(WalkedCommit{oid_hex(&next), ms, git_commit_parentcount(commit.get()) > 1});
  }
  return out;
}

Result<std::vector<FileChange>> GitRepo::changes(const std::string& sha) const {
  auto made = diff("", sha);
  TALLY_TRY(made);
  OwnedDiff d = std::move(*made);
  if (const int rc = git_diff_find_similar(d.get(), nullptr); rc < 0) {
    return git_failure(fmt::format("find renames in {}", sha), rc);
  }
  std::vector<FileChange> out;
  const size_t n = git_diff_num_deltas(d.get());
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(d.get(), i);
    FileChange change;
    const char* path = delta->status == GIT_DELTA_DELETED ? delta->old_file.path
                                                          : delta->new_file.path;
    change.path = path != nullptr ? path : "";
    git_patch* raw_patch = nullptr;
    if (const int rc = git_patch_from_diff(&raw_patch, d.get(), i); rc < 0) {
      return git_failure(fmt::format("read the patch of {} in {}", change.path, sha), rc);
    }
    auto patch = own(raw_patch, &git_patch_free);
    size_t added = 0;
    size_t removed = 0;
    if (patch != nullptr &&  // a binary file has no patch text
        git_patch_line_stats(nullptr, &added, &removed, patch.get()) == 0) {
      change.added = static_cast<std::int64_t>(added);
      change.removed = static_cast<std::int64_t>(removed);
    }
    out.push_back(std::move(change));
  }
  return out;
}

Result<std::optional<BranchTip>> GitRepo::default_tip() const {
  // origin/HEAD is a symbolic ref to the remote's default branch when a clone recorded it.
  std::vector<std::string> names;
  git_reference* head = nullptr;
  if (git_reference_lookup(&head, repo_.get(), "refs/remotes/origin/HEAD") == 0) {
    if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC) {
      names.emplace_back(git_reference_symbolic_target(head));
    }
    git_reference_free(head);
  }
  names.emplace_back("refs/remotes/origin/main");
  names.emplace_back("refs/remotes/origin/master");
  for (const std::string& name : names) {
    git_oid id;
    const int rc = git_reference_name_to_id(&id, repo_.get(), name.c_str());
    if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
      continue;
    }
    if (rc < 0) {
      return git_failure(fmt::format("read {} in {}", name, id_), rc);
    }
    return std::optional<BranchTip>(BranchTip{name, oid_hex(&id)});
  }
  return std::optional<BranchTip>();
}

Result<bool> GitRepo::reaches(const std::string& tip, const std::string& sha) const {
  git_oid tip_id;
  git_oid id;
  if (git_oid_fromstr(&tip_id, tip.c_str()) < 0 || git_oid_fromstr(&id, sha.c_str()) < 0) {
    return fail(Errc::invalid_argument, fmt::format("not full commit ids: '{}', '{}'", tip, sha));
  }
  if (git_oid_equal(&tip_id, &id)) {
    return true;
  }
  const int rc = git_graph_descendant_of(repo_.get(), &tip_id, &id);
  if (rc < 0) {
    return git_failure(fmt::format("is {} in {}", sha, tip), rc);
  }
  return rc == 1;
}

}  // namespace tally::outcomes
