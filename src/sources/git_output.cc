#include "sources/git_output.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace tally::sources {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// One simple command: its words, quotes removed. `cd` only matters for the commands after it.
using Words = std::vector<std::string>;

// Splits a command line into simple commands at && || ; | & and newlines outside quotes,
// and each into words at blanks outside quotes. Backslash escapes the next character outside
// single quotes. Nothing is expanded: "$(cat <<'EOF' ...)" is one word.
std::vector<Words> split_commands(std::string_view line) {
  std::vector<Words> out(1);
  std::string word;
  bool in_word = false;
  char quote = 0;
  auto end_word = [&] {
    if (in_word) {
      out.back().push_back(std::move(word));
      word.clear();
      in_word = false;
    }
  };
  auto end_command = [&] {
    end_word();
    if (!out.back().empty()) {
      out.emplace_back();
    }
  };
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < line.size()) {
        word += line[++i];
      } else {
        word += c;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < line.size()) {
      if (line[i + 1] != '\n') {  // a line continuation joins the lines
        word += line[i + 1];
        in_word = true;
      }
      ++i;
    } else if (is_blank(c)) {
      end_word();
    } else if (c == '\n' || c == ';' || c == '|' || c == '&' || c == '(' || c == ')') {
      end_command();
    } else {
      word += c;
      in_word = true;
    }
  }
  end_command();
  out.pop_back();  // end_command always leaves an empty command last
  return out;
}

bool is_assignment(const std::string& w) {
  const std::size_t eq = w.find('=');
  if (eq == 0 || eq == std::string::npos) {
    return false;
  }
  return std::all_of(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(eq), [](char c) {
    return c == '_' || is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
}

bool names(const std::string& word, std::string_view program) {
  return word == program || (word.size() > program.size() && word.ends_with(program) &&
                             word[word.size() - program.size() - 1] == '/');
}

std::string join_dir(const std::string& base, const std::string& dir) {
  if (dir.empty() || dir.front() == '/' || dir.front() == '~' || base.empty()) {
    return dir.empty() ? base : dir;
  }
  return base + "/" + dir;
}

// The step a git invocation makes (words after "git"), if any; `dir` gets its -C.
std::optional<GitAction> git_step(const Words& w, std::size_t i, std::string& dir) {
  for (; i < w.size(); ++i) {
    const std::string& a = w[i];
    if (a == "-C" || a == "-c") {
      if (i + 1 >= w.size()) {
        return std::nullopt;
      }
      if (a == "-C") {
        dir = join_dir(dir, w[i + 1]);
      }
      ++i;
    } else if (a.starts_with("-")) {
      continue;  // --no-pager, --git-dir=..., -P: none of them names the subcommand
    } else {
      break;
    }
  }
  if (i >= w.size()) {
    return std::nullopt;
  }
  const std::string& sub = w[i];
  if (sub == "commit") {
    const bool amend =
        std::find(w.begin() + static_cast<std::ptrdiff_t>(i), w.end(), "--amend") != w.end();
    return amend ? GitAction::amend : GitAction::commit;
  }
  if (sub == "revert") {
    return GitAction::revert;
  }
  if (sub == "merge") {
    return GitAction::merge;
  }
  if (sub == "cherry-pick") {
    return GitAction::cherry_pick;
  }
  if (sub == "am") {
    return GitAction::am;
  }
  return std::nullopt;
}

std::optional<CommitHeader> parse_header_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  if (line.size() < 3 || line.front() != '[') {
    return std::nullopt;
  }
  // Branch names hold no blank, so the first "] " (or a ']' that ends the line) closes it.
  std::size_t close = line.find("] ");
  std::string_view subject;
  if (close == std::string_view::npos) {
    if (line.back() != ']') {
      return std::nullopt;
    }
    close = line.size() - 1;
  } else {
    subject = line.substr(close + 2);
  }
  std::string_view inner = line.substr(1, close - 1);
  const std::size_t last_blank = inner.rfind(' ');
  if (last_blank == std::string_view::npos) {
    return std::nullopt;
  }
  CommitHeader h;
  const std::string_view sha = inner.substr(last_blank + 1);
  if (!is_commit_id(sha)) {
    return std::nullopt;
  }
  h.short_sha = std::string(sha);
  std::string_view branch = inner.substr(0, last_blank);
  constexpr std::string_view kRoot = " (root-commit)";
  if (branch.ends_with(kRoot)) {
    h.root_commit = true;
    branch.remove_suffix(kRoot.size());
  }
  if (branch.empty() || has_control_chars(branch) ||
      (branch.find(' ') != std::string_view::npos && branch != "detached HEAD")) {
    return std::nullopt;
  }
  h.branch = std::string(branch);
  if (has_control_chars(subject)) {
    return std::nullopt;
  }
  if (subject.size() > kMaxSubjectBytes) {
    // Cut at a character boundary: back up over the continuation bytes of the character
    // the limit falls in, and drop that character.
    std::size_t keep = kMaxSubjectBytes;
    while (keep > 0 && (static_cast<unsigned char>(subject[keep]) & 0xC0) == 0x80) {
      --keep;
    }
    subject = subject.substr(0, keep);
  }
  h.subject = std::string(subject);
  return h;
}

}  // namespace

bool is_commit_id(std::string_view s) {
  return s.size() >= 7 && s.size() <= 64 && std::all_of(s.begin(), s.end(), is_hex);
}

bool has_control_chars(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

std::string_view git_action_name(GitAction action) {
  switch (action) {
    case GitAction::commit:
      return "commit";
    case GitAction::amend:
      return "amend";
    case GitAction::revert:
      return "revert";
    case GitAction::merge:
      return "merge";
    case GitAction::cherry_pick:
      return "cherry-pick";
    case GitAction::am:
      return "am";
    case GitAction::pr_create:
      return "pr-create";
  }
  return "commit";
}

std::vector<GitStep> classify_git_command(std::string_view command) {
  std::vector<GitStep> steps;
  std::string cwd;  // from `cd`, for the commands after it
  for (const Words& w : split_commands(command)) {
    std::size_t i = 0;
    while (i < w.size() && (is_assignment(w[i]) || w[i] == "env" || w[i] == "time" ||
                            w[i] == "command" || w[i] == "nohup" || w[i] == "sudo")) {
      ++i;
    }
    if (i >= w.size()) {
      continue;
    }
    if (w[i] == "cd") {
      cwd = i + 1 < w.size() ? join_dir(cwd, w[i + 1]) : std::string("~");
    } else if (names(w[i], "git")) {
      std::string dir = cwd;
      if (auto action = git_step(w, i + 1, dir)) {
        steps.push_back(GitStep{*action, dir});
      }
    } else if (names(w[i], "gh") && i + 2 < w.size() && w[i + 1] == "pr" && w[i + 2] == "create") {
      steps.push_back(GitStep{GitAction::pr_create, cwd});
    }
  }
  return steps;
}

std::vector<CommitHeader> parse_commit_headers(std::string_view output) {
  std::vector<CommitHeader> out;
  while (!output.empty()) {
    const std::size_t nl = output.find('\n');
    const std::string_view line = output.substr(0, nl);
    if (auto h = parse_header_line(line)) {
      out.push_back(std::move(*h));
    }
    if (nl == std::string_view::npos) {
      break;
    }
    output.remove_prefix(nl + 1);
  }
  return out;
}

std::vector<PullRequestLink> parse_pull_request_links(std::string_view output) {
  std::vector<PullRequestLink> out;
  std::size_t at = 0;
  while ((at = output.find("https://", at)) != std::string_view::npos) {
    const std::size_t start = at;
    at += 8;
    // HOST/OWNER/REPO/pull/N: three non-empty path parts of URL-safe characters, "pull",
    // then digits that end the URL.
    auto part = [&](std::string_view& got) {
      const std::size_t begin = at;
      while (at < output.size() && (std::isalnum(static_cast<unsigned char>(output[at])) != 0 ||
                                    output[at] == '-' || output[at] == '_' || output[at] == '.')) {
        ++at;
      }
      got = output.substr(begin, at - begin);
      if (got.empty() || at >= output.size() || output[at] != '/') {
        return false;
      }
      ++at;
      return true;
    };
    std::string_view host, owner, repo, pull;
    if (!part(host) || !part(owner) || !part(repo) || !part(pull) || pull != "pull") {
      continue;
    }
    const std::size_t digits = at;
    while (at < output.size() && is_digit(output[at]) && at - digits < 12) {
      ++at;
    }
    if (at == digits ||
        (at < output.size() && (std::isalnum(static_cast<unsigned char>(output[at])) != 0))) {
      continue;
    }
    PullRequestLink link;
    link.url = std::string(output.substr(start, at - start));
    link.repository = std::string(owner) + "/" + std::string(repo);
    link.number = std::stoll(std::string(output.substr(digits, at - digits)));
    if (link.number > 0 && std::find(out.begin(), out.end(), link) == out.end()) {
      out.push_back(std::move(link));
    }
  }
  return out;
}

}  // namespace tally::sources
