#include "outcomes/attribute.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "core/time.h"
#include "outcomes/git_repo.h"
#include "outcomes/path_class.h"

namespace tally::outcomes {
namespace {

// How far a commit's time may be from the log line that printed it: the line comes after the
// command, which may run hooks and tests for a long while; committer times are whole seconds.
constexpr TimeMs kBeforeMark = 60 * 60 * 1000;
constexpr TimeMs kAfterMark = 60 * 1000;

// Repositories by directory and by id, each opened once per attribution.
class Repos {
 public:
  // The repository `dir` is in; nullptr when it is in none. A directory deleted since (a
  // build or scratch directory of the session) is looked for from its nearest existing
  // parent, as git would have from there.
  Result<GitRepo*> open(const std::string& dir) {
    if (auto it = dir_to_id_.find(dir); it != dir_to_id_.end()) {
      return it->second ? &by_id_.at(*it->second) : nullptr;
    }
    std::filesystem::path existing(dir);
    std::error_code ec;
    while (!std::filesystem::is_directory(existing, ec) && existing.has_relative_path()) {
      existing = existing.parent_path();
    }
    auto opened = GitRepo::open_containing(existing.string());
    TALLY_TRY(opened);
    if (!*opened) {
      dir_to_id_.emplace(dir, std::nullopt);
      return nullptr;
    }
    const std::string id = (*opened)->id();
    dir_to_id_.emplace(dir, id);
    auto [it, inserted] = by_id_.try_emplace(id, std::move(**opened));
    return &it->second;
  }

  Result<std::optional<BranchTip>> tip(const GitRepo& repo) {
    if (auto it = tips_.find(repo.id()); it != tips_.end()) {
      return it->second;
    }
    auto tip = repo.default_tip();
    TALLY_TRY(tip);
    tips_.emplace(repo.id(), *tip);
    return *tip;
  }

  GitRepo* by_id(const std::string& id) {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, std::optional<std::string>> dir_to_id_;
  std::map<std::string, GitRepo> by_id_;
  std::map<std::string, std::optional<BranchTip>> tips_;
};

// A commit found for a mark, with what the amend rule needs.
struct Found {
  CommitOutcome commit;
  std::string parent;  // first parent ("" for a root commit)
};

// A mark whose SHA no commit has: amended away (explained later) or a warning.
struct Missing {
  GitMark mark;
  std::string repository;
};

void add_facts(const GitRepo& repo, CommitOutcome& c, std::vector<OutcomeWarning>& warnings,
               const std::string& session) {
  auto changes = repo.changes(c.sha);
  if (!changes) {
    warnings.push_back({session, "git_error", changes.error().message});
    return;
  }
  for (const FileChange& f : *changes) {
    ++c.files;
    c.lines_added += f.added;
    c.lines_removed += f.removed;
    const std::int64_t lines = f.added + f.removed;
    switch (classify_path(f.path)) {
      case PathClass::test:
        c.class_lines.test += lines;
        break;
      case PathClass::instructions:
        c.class_lines.instructions += lines;
        break;
      case PathClass::harness:
        c.class_lines.harness += lines;
        break;
      case PathClass::ci:
        c.class_lines.ci += lines;
        break;
      case PathClass::other:
        break;
    }
  }
}

class Attributor {
 public:
  explicit Attributor(const AttributeOptions& options) : options_(options) {}

  // The commits of one session tree's marks (in time order).
  std::vector<Found> resolve(const std::string& session, const std::vector<GitMark>& marks,
                             SessionOutcome& out) {
    std::vector<Found> found;
    std::vector<Missing> missing;
    for (const GitMark& mark : marks) {
      if (mark.action == "pr-create") {
        if (std::none_of(out.pull_requests.begin(), out.pull_requests.end(),
                         [&](const PullRequestOutcome& p) { return p.url == mark.pr_url; })) {
          PullRequestOutcome pr;
          pr.url = mark.pr_url;
          pr.ts = mark.ts;
          const size_t at = mark.pr_url.rfind("/pull/");
          if (at != std::string::npos) {
            pr.number = std::strtoll(mark.pr_url.c_str() + at + 6, nullptr, 10);
          }
          out.pull_requests.push_back(std::move(pr));
        }
        continue;
      }
      const size_t warned = warnings_.size();
      resolve_mark(session, mark, found, missing);
      out.unchecked += warnings_.size() > warned ? 1 : 0;
    }
    out.unchecked += apply_amends(session, found, missing);
    return found;
  }

  // One commit, one session: the earliest mark keeps it.
  void settle_claims(std::vector<SessionOutcome>& sessions, std::vector<std::vector<Found>>& all) {
    std::map<std::pair<std::string, std::string>, std::pair<size_t, TimeMs>> owner;
    for (size_t s = 0; s < all.size(); ++s) {
      for (const Found& f : all[s]) {
        auto key = std::make_pair(f.commit.repository, f.commit.sha);
        auto [it, inserted] = owner.try_emplace(key, s, f.commit.ts);
        if (!inserted && f.commit.ts < it->second.second) {
          it->second = {s, f.commit.ts};
        }
      }
    }
    for (size_t s = 0; s < all.size(); ++s) {
      for (Found& f : all[s]) {
        const auto& [who, ts] = owner.at({f.commit.repository, f.commit.sha});
        if (who != s) {
          warnings_.push_back({sessions[s].session_id, "claimed_twice",
                               fmt::format("{} is {}'s (its mark is earlier)", f.commit.short_sha,
                                           sessions[who].session_id)});
          continue;
        }
        sessions[s].commits.push_back(std::move(f.commit));
      }
    }
  }

  // Merged, landed or unmerged for every counted commit, per repository (attribute.h).
  void set_merged(std::vector<SessionOutcome>& sessions) {
    std::map<std::string, std::vector<Candidate>> by_repo;
    for (size_t s = 0; s < sessions.size(); ++s) {
      for (CommitOutcome& c : sessions[s].commits) {
        if (c.counted()) {
          by_repo[c.repository].push_back(Candidate{&c, s});
        }
      }
    }
    for (auto& [id, candidates] : by_repo) {
      const std::string& first_session = sessions[candidates.front().session].session_id;
      if (Status done = merge_states(*repos_.by_id(id), candidates, sessions); !done) {
        warnings_.push_back({first_session, "git_error", done.error().message});
      }
    }
  }

  std::vector<OutcomeWarning> take_warnings() { return std::move(warnings_); }

 private:
  struct Candidate {
    CommitOutcome* commit;
    size_t session;
  };

  Status merge_states(const GitRepo& repo, std::vector<Candidate>& candidates,
                      const std::vector<SessionOutcome>& sessions) {
    auto tip = repos_.tip(repo);
    TALLY_TRY(tip);
    if (!*tip) {
      warnings_.push_back(
          {sessions[candidates.front().session].session_id, "merged_unknown",
           fmt::format("{} has no origin/HEAD, origin/main or origin/master: merged is "
                       "unknown (fetch, then run again)",
                       repo.id())});
      for (Candidate& c : candidates) {
        c.commit->state = CommitState::unknown;
      }
      return ok();
    }
    const std::string& tip_sha = (*tip)->sha;
    constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;
    std::int64_t oldest = candidates.front().commit->committed_ms;
    for (const Candidate& c : candidates) {
      oldest = std::min(oldest, c.commit->committed_ms);
    }
    auto walked = repo.walk(tip_sha, oldest - kDayMs);
    TALLY_TRY(walked);
    std::set<std::string> reached;
    for (const WalkedCommit& w : *walked) {
      reached.insert(w.sha);
    }
    std::vector<Candidate*> pending;
    for (Candidate& c : candidates) {
      bool merged = reached.count(c.commit->sha) > 0;
      if (!merged) {  // past the walk's horizon through skewed clocks?
        auto reaches = repo.reaches(tip_sha, c.commit->sha);
        TALLY_TRY(reaches);
        merged = *reaches;
      }
      c.commit->state = merged ? CommitState::merged : CommitState::unmerged;
      if (!merged) {
        pending.push_back(&c);
      }
    }
    if (pending.empty()) {
      return ok();
    }
    // The default branch's changes since then, by patch id (newest first: the first
    // commit that carries a change is the one that landed it last).
    std::map<std::string, std::string> landed_by;
    for (const WalkedCommit& w : *walked) {
      if (w.merge) {
        continue;
      }
      auto id = repo.patch_id("", w.sha);
      TALLY_TRY(id);
      landed_by.emplace(*id, w.sha);
    }
    std::map<std::pair<size_t, std::string>, std::vector<Candidate*>> runs;
    for (Candidate* c : pending) {
      auto id = repo.patch_id("", c->commit->sha);
      TALLY_TRY(id);
      if (auto it = landed_by.find(*id); it != landed_by.end()) {
        c->commit->state = CommitState::landed;
        c->commit->landed_as = it->second;
      } else {
        runs[{c->session, c->commit->branch}].push_back(c);
      }
    }
    // A squash of several: the session's run on its branch, from where it left the tip.
    for (auto& [key, run] : runs) {
      Candidate* head = run.front();
      for (Candidate* c : run) {
        head = c->commit->ts > head->commit->ts ? c : head;
      }
      auto base = repo.merge_base(tip_sha, head->commit->sha);
      TALLY_TRY(base);
      if (!*base) {
        continue;
      }
      auto id = repo.patch_id(**base, head->commit->sha);
      TALLY_TRY(id);
      auto it = landed_by.find(*id);
      if (it == landed_by.end()) {
        continue;
      }
      for (Candidate* c : run) {
        auto in_run = repo.reaches(head->commit->sha, c->commit->sha);
        TALLY_TRY(in_run);
        if (*in_run) {
          c->commit->state = CommitState::landed;
          c->commit->landed_as = it->second;
        }
      }
    }
    return ok();
  }

  void resolve_mark(const std::string& session, const GitMark& mark, std::vector<Found>& found,
                    std::vector<Missing>& missing) {
    const std::string dir = map_path(mark.dir, options_.path_map);
    if (dir.empty()) {
      warnings_.push_back({session, "no_directory",
                           fmt::format("{}: the log names no directory for it", mark.short_sha)});
      return;
    }
    auto repo = repos_.open(dir);
    if (!repo) {
      warnings_.push_back({session, "git_error", repo.error().message});
      return;
    }
    if (*repo == nullptr) {
      warnings_.push_back({session, "repository_missing",
                           fmt::format("{}: no repository at {} (moved? see --repo-map)",
                                       mark.short_sha, dir)});
      return;
    }
    const GitRepo& r = **repo;
    auto info = r.find_commit(mark.short_sha);
    if (!info) {
      const bool ambiguous = info.error().code == Errc::invalid_argument;
      warnings_.push_back({session, ambiguous ? "sha_ambiguous" : "git_error",
                           info.error().message});
      return;
    }
    if (!*info) {
      missing.push_back({mark, r.id()});
      return;
    }
    const CommitInfo& commit = **info;
    const bool subject_ok = mark.subject.empty() || mark.subject == commit.summary;
    const bool time_ok =
        commit.committer_ms >= mark.ts - kBeforeMark && commit.committer_ms <= mark.ts + kAfterMark;
    if (!subject_ok || !time_ok) {
      warnings_.push_back(
          {session, "sha_mismatch",
           fmt::format("{} in {} is \"{}\" at {}, not the commit the log printed (\"{}\" at {})",
                       mark.short_sha, r.id(), commit.summary, format_iso8601(commit.committer_ms),
                       mark.subject, format_iso8601(mark.ts))});
      return;
    }
    Found f;
    f.commit.sha = commit.sha;
    f.commit.short_sha = mark.short_sha;
    f.commit.subject = commit.summary;
    f.commit.branch = mark.branch;
    f.commit.action = mark.action;
    f.commit.repository = r.id();
    f.commit.ts = mark.ts;
    f.commit.committed_ms = commit.committer_ms;
    f.commit.state = mark.action == "revert" ? CommitState::revert : CommitState::unknown;
    f.parent = commit.parents.empty() ? std::string() : commit.parents.front();
    if (std::any_of(found.begin(), found.end(),
                    [&](const Found& g) { return g.commit.sha == f.commit.sha; })) {
      return;  // the same commit printed twice by one session (a resumed log)
    }
    add_facts(r, f.commit, warnings_, session);
    found.push_back(std::move(f));
  }

  // An amend replaces the session's latest earlier commit on its branch that has the same
  // parent; a mark whose SHA is gone, followed by an amend on its branch, was amended away.
  // Returns the number of missing marks no amend explains.
  std::int64_t apply_amends(const std::string& session, std::vector<Found>& found,
                            std::vector<Missing>& missing) {
    std::int64_t unexplained = 0;
    for (size_t i = 0; i < found.size(); ++i) {
      if (found[i].commit.action != "amend") {
        continue;
      }
      for (size_t j = i; j-- > 0;) {
        Found& earlier = found[j];
        if (earlier.commit.counted() && earlier.commit.repository == found[i].commit.repository &&
            earlier.commit.branch == found[i].commit.branch && earlier.parent == found[i].parent) {
          earlier.commit.state = CommitState::amended;
          break;
        }
      }
    }
    for (const Missing& m : missing) {
      const bool amended_away = std::any_of(found.begin(), found.end(), [&](const Found& f) {
        return f.commit.action == "amend" && f.commit.repository == m.repository &&
               f.commit.branch == m.mark.branch && f.commit.ts >= m.mark.ts;
      });
      if (!amended_away) {
        ++unexplained;
        warnings_.push_back(
            {session, "sha_unresolved",
             fmt::format("{} (\"{}\") is in no commit of {} (rebased, or the clone is behind?)",
                         m.mark.short_sha, m.mark.subject, m.repository)});
      }
    }
    return unexplained;
  }

  const AttributeOptions& options_;
  Repos repos_;
  std::vector<OutcomeWarning> warnings_;
};

// A pull request's branch: the branch of the session's latest commit logged before it; merged
// when every counted commit of the session on that branch is.
void set_pull_request_states(SessionOutcome& s) {
  for (PullRequestOutcome& pr : s.pull_requests) {
    const CommitOutcome* last = nullptr;
    for (const CommitOutcome& c : s.commits) {
      if (c.ts <= pr.ts && !c.branch.empty() && (last == nullptr || c.ts >= last->ts)) {
        last = &c;
      }
    }
    if (last == nullptr) {
      continue;
    }
    pr.branch = last->branch;
    bool any = false;
    bool all_merged = true;
    bool any_unknown = false;
    for (const CommitOutcome& c : s.commits) {
      if (c.counted() && c.branch == pr.branch && c.repository == last->repository) {
        any = true;
        all_merged = all_merged && c.merged();
        any_unknown = any_unknown || c.state == CommitState::unknown;
      }
    }
    if (any && !any_unknown) {
      pr.merged = all_merged;
    }
  }
}

}  // namespace

std::string map_path(const std::string& dir,
                     const std::vector<std::pair<std::string, std::string>>& path_map) {
  for (const auto& [from, to] : path_map) {
    if (from.empty() || !dir.starts_with(from)) {
      continue;
    }
    if (dir.size() == from.size() || dir[from.size()] == '/' || from.back() == '/') {
      return to + dir.substr(from.size());
    }
  }
  return dir;
}

Attribution attribute(const std::vector<SessionFacts>& facts, const AttributeOptions& options) {
  Attribution out;
  std::vector<std::vector<GitMark>> marks;
  std::map<std::pair<Agent, std::string>, size_t> index;
  for (const SessionFacts& f : facts) {
    if (f.git_marks.empty() && f.git_marks_more == 0) {
      continue;
    }
    const std::string& root = f.parent_session_id.empty() ? f.session_id : f.parent_session_id;
    auto [it, inserted] = index.try_emplace({f.agent, root}, out.sessions.size());
    if (inserted) {
      SessionOutcome s;
      s.agent = f.agent;
      s.session_id = root;
      out.sessions.push_back(std::move(s));
      marks.emplace_back();
    }
    out.sessions[it->second].marks_more += f.git_marks_more;
    std::vector<GitMark>& list = marks[it->second];
    list.insert(list.end(), f.git_marks.begin(), f.git_marks.end());
  }
  Attributor attributor(options);
  std::vector<std::vector<Found>> found(out.sessions.size());
  for (size_t s = 0; s < out.sessions.size(); ++s) {
    std::stable_sort(marks[s].begin(), marks[s].end(),
                     [](const GitMark& a, const GitMark& b) { return a.ts < b.ts; });
    found[s] = attributor.resolve(out.sessions[s].session_id, marks[s], out.sessions[s]);
  }
  attributor.settle_claims(out.sessions, found);
  attributor.set_merged(out.sessions);
  for (SessionOutcome& s : out.sessions) {
    set_pull_request_states(s);
  }
  out.warnings = attributor.take_warnings();
  return out;
}

}  // namespace tally::outcomes
