#include "sources/session_tools.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "sources/git_output.h"

namespace tally::sources {
namespace {

struct NamedKind {
  std::string_view name;
  ToolKind kind;
};

// Claude Code, Codex CLI and Gemini CLI tool names (agent-logs.md §2 rule 8, §3, §4).
constexpr std::array<NamedKind, 21> kKinds = {{
    {"Edit", ToolKind::edit},
    {"MultiEdit", ToolKind::edit},
    {"Write", ToolKind::edit},
    {"NotebookEdit", ToolKind::edit},
    {"apply_patch", ToolKind::edit},
    {"replace", ToolKind::edit},
    {"write_file", ToolKind::edit},
    {"edit", ToolKind::edit},
    {"Bash", ToolKind::shell},
    {"shell", ToolKind::shell},
    {"shell_command", ToolKind::shell},
    {"exec_command", ToolKind::shell},
    {"local_shell_call", ToolKind::shell},
    {"container.exec", ToolKind::shell},
    {"run_shell_command", ToolKind::shell},
    {"WebSearch", ToolKind::web_search},
    {"web_search", ToolKind::web_search},
    {"web_search_call", ToolKind::web_search},
    {"google_web_search", ToolKind::web_search},
    {"WebFetch", ToolKind::web_fetch},
    {"web_fetch", ToolKind::web_fetch},
}};

// FNV-1a, 64 bits: stable across builds and runs, unlike std::hash.
std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 14695981039346656037ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

ToolKind tool_kind(std::string_view name) {
  for (const NamedKind& k : kKinds) {
    if (k.name == name) {
      return k.kind;
    }
  }
  return ToolKind::other;
}

void ToolFacts::tool_call(std::string_view name, ToolKind kind) {
  ++facts_.tool_calls[std::string(name.empty() ? "(unnamed)" : name)];
  switch (kind) {
    case ToolKind::edit:
      ++facts_.edit_calls;
      break;
    case ToolKind::shell:
      ++facts_.shell_calls;
      break;
    case ToolKind::web_search:
      ++facts_.web_searches;
      break;
    case ToolKind::web_fetch:
      ++facts_.web_fetches;
      break;
    case ToolKind::other:
      break;
  }
}

void ToolFacts::file_touched(std::string_view path) {
  if (path.empty() || add_file_touched(facts_, path)) {
    return;
  }
  if (overflow_.insert(fnv1a(path)).second) {
    ++facts_.files_touched_more;
  }
}

void ToolFacts::patch_files(std::string_view patch) {
  for_each_patch_file(patch, [this](std::string_view path) { file_touched(path); });
}

void ToolFacts::save(StateBag& bag) const {
  bag.set_int("t.commands", facts_.commands);
  bag.set_int("t.responses", facts_.responses);
  bag.set("t.compactions", encode_ints(facts_.compaction_tokens));
  bag.set("t.tools", encode_tool_calls(facts_.tool_calls));
  bag.set_int("t.edit", facts_.edit_calls);
  bag.set_int("t.shell", facts_.shell_calls);
  bag.set_int("t.search", facts_.web_searches);
  bag.set_int("t.fetch", facts_.web_fetches);
  bag.set("t.files", encode_paths(facts_.files_touched));
  std::vector<std::int64_t> hashes;
  for (std::uint64_t h : overflow_) {
    hashes.push_back(static_cast<std::int64_t>(h));
  }
  bag.set("t.overflow", encode_ints(hashes));
  bag.set("t.git", encode_git_marks(facts_.git_marks));
  bag.set_int("t.git_more", facts_.git_marks_more);
}

Status ToolFacts::restore(const StateBag& bag) {
  ToolFacts t;
  t.facts_.commands = bag.get_int("t.commands");
  t.facts_.responses = bag.get_int("t.responses");
  auto sizes = decode_ints(bag.get("t.compactions"));
  TALLY_TRY(sizes);
  t.facts_.compaction_tokens = std::move(*sizes);
  auto tools = decode_tool_calls(bag.get("t.tools"));
  TALLY_TRY(tools);
  t.facts_.tool_calls = std::move(*tools);
  t.facts_.edit_calls = bag.get_int("t.edit");
  t.facts_.shell_calls = bag.get_int("t.shell");
  t.facts_.web_searches = bag.get_int("t.search");
  t.facts_.web_fetches = bag.get_int("t.fetch");
  t.facts_.files_touched = decode_paths(bag.get("t.files"));
  auto hashes = decode_ints(bag.get("t.overflow"));
  TALLY_TRY(hashes);
  for (std::int64_t h : *hashes) {
    t.overflow_.insert(static_cast<std::uint64_t>(h));
  }
  t.facts_.files_touched_more = static_cast<std::int64_t>(t.overflow_.size());
  auto marks = decode_git_marks(bag.get("t.git"));
  TALLY_TRY(marks);
  t.facts_.git_marks = std::move(*marks);
  t.facts_.git_marks_more = bag.get_int("t.git_more");
  *this = std::move(t);
  return ok();
}

void ToolFacts::shell_output(std::string_view command, std::string_view output,
                             std::string_view cwd, TimeMs ts) {
  const std::vector<GitStep> steps = classify_git_command(command);
  if (steps.empty()) {
    return;
  }
  auto where = [&](const std::string& dir) {
    if (dir.empty() || cwd.empty()) {
      return dir.empty() ? std::string(cwd) : dir;
    }
    return dir.front() == '/' || dir.front() == '~' ? dir : std::string(cwd) + "/" + dir;
  };
  std::vector<const GitStep*> commits;
  const GitStep* pr = nullptr;
  for (const GitStep& step : steps) {
    if (step.action == GitAction::pr_create) {
      pr = &step;
    } else {
      commits.push_back(&step);
    }
  }
  if (!commits.empty()) {
    // The headers in output order belong to the commit steps in command order; extra ones
    // (a merge that commits twice, a hook that commits) to the last step.
    const std::vector<CommitHeader> headers = parse_commit_headers(output);
    for (std::size_t i = 0; i < headers.size(); ++i) {
      const GitStep& step = *commits[std::min(i, commits.size() - 1)];
      git_mark(GitMark{std::string(git_action_name(step.action)), ts, where(step.dir),
                       headers[i].branch, headers[i].short_sha, headers[i].subject, ""});
    }
  }
  if (pr != nullptr) {
    for (const PullRequestLink& link : parse_pull_request_links(output)) {
      git_mark(GitMark{"pr-create", ts, where(pr->dir), "", "", "", link.url});
    }
  }
}

void ToolFacts::fill(SessionFacts& out) const {
  out.commands = facts_.commands;
  out.responses = facts_.responses;
  out.compactions = static_cast<std::int64_t>(facts_.compaction_tokens.size());
  out.compaction_tokens = facts_.compaction_tokens;
  out.tool_calls = facts_.tool_calls;
  out.edit_calls = facts_.edit_calls;
  out.shell_calls = facts_.shell_calls;
  out.web_searches = facts_.web_searches;
  out.web_fetches = facts_.web_fetches;
  out.files_touched = facts_.files_touched;
  out.files_touched_more = facts_.files_touched_more;
  out.git_marks = facts_.git_marks;
  out.git_marks_more = facts_.git_marks_more;
}

}  // namespace tally::sources
