#include "core/session_facts.h"

#include <algorithm>
#include <charconv>

namespace tally {
namespace {

// Escapes the separators of the encodings below: '\\', '\t', '\n' and '\x1e'.
void append_escaped(std::string_view text, std::string& out) {
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\x1e':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

std::string unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    const char c = text[++i];
    out += c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\x1e' : c;
  }
  return out;
}

// Splits `text` at '\n' (escaped newlines are "\\n", never a raw '\n'); empty lines dropped.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty()) {
      out.push_back(line);
    }
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
  }
  return out;
}

bool parse_int(std::string_view s, std::int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::string prompt_title(std::string_view text) {
  // The first line with anything but blanks on it.
  std::string_view line;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.find_first_not_of(" \t\r\f\v") != std::string_view::npos) {
      break;
    }
    line = {};
  }
  std::string out;
  size_t chars = 0;
  bool space = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (c < 0x20 || c == 0x7f) {
      continue;  // control characters never reach a title
    }
    // One character: a lead byte and its continuation bytes.
    size_t len = 1;
    while (i + len < line.size() && (static_cast<unsigned char>(line[i + len]) & 0xC0) == 0x80) {
      ++len;
    }
    if (chars + (space ? 1 : 0) + 1 > kTitleChars - 1) {
      out += "\u2026";
      return out;
    }
    if (space) {
      out += ' ';
      ++chars;
      space = false;
    }
    out.append(line.substr(i, len));
    ++chars;
    i += len - 1;
  }
  return out;
}

void merge_session_facts(SessionFacts& into, const SessionFacts& from) {
  if (into.parent_session_id.empty()) {
    into.parent_session_id = from.parent_session_id;
  }
  if (into.project.empty()) {
    into.project = from.project;
  }
  if (into.title.empty()) {
    into.title = from.title;
  }
  if (from.first_ts != 0 && (into.first_ts == 0 || from.first_ts < into.first_ts)) {
    into.first_ts = from.first_ts;
  }
  into.last_ts = std::max(into.last_ts, from.last_ts);
  into.user_prompts += from.user_prompts;
  into.commands += from.commands;
  into.responses += from.responses;
  into.errors += from.errors;
  into.compactions += from.compactions;
  into.compaction_tokens.insert(into.compaction_tokens.end(), from.compaction_tokens.begin(),
                                from.compaction_tokens.end());
  into.lines_added = std::max(into.lines_added, from.lines_added);
  into.lines_removed = std::max(into.lines_removed, from.lines_removed);
  for (const auto& [name, count] : from.tool_calls) {
    into.tool_calls[name] += count;
  }
  into.edit_calls += from.edit_calls;
  into.shell_calls += from.shell_calls;
  into.web_searches += from.web_searches;
  into.web_fetches += from.web_fetches;
  for (const std::string& path : from.files_touched) {
    if (!add_file_touched(into, path)) {
      ++into.files_touched_more;
    }
  }
  // Another file's unlisted files may repeat ours: the sum is an upper bound there.
  into.files_touched_more += from.files_touched_more;
  for (const GitMark& mark : from.git_marks) {
    if (!add_git_mark(into, mark)) {
      ++into.git_marks_more;
    }
  }
  into.git_marks_more += from.git_marks_more;
}

bool add_git_mark(SessionFacts& facts, GitMark mark) {
  for (const GitMark& m : facts.git_marks) {
    if (m.action == mark.action && m.short_sha == mark.short_sha && m.pr_url == mark.pr_url) {
      return true;
    }
  }
  if (facts.git_marks.size() >= kMaxGitMarks) {
    return false;
  }
  facts.git_marks.push_back(std::move(mark));
  return true;
}

bool add_file_touched(SessionFacts& facts, std::string_view path) {
  auto it = std::lower_bound(facts.files_touched.begin(), facts.files_touched.end(), path);
  if (it != facts.files_touched.end() && *it == path) {
    return true;
  }
  if (facts.files_touched.size() >= kMaxFilesTouched) {
    return false;
  }
  facts.files_touched.insert(it, std::string(path));
  return true;
}

std::string encode_tool_calls(const std::map<std::string, std::int64_t>& calls) {
  std::string out;
  for (const auto& [name, count] : calls) {
    append_escaped(name, out);
    out += '\t';
    out += std::to_string(count);
    out += '\n';
  }
  return out;
}

Result<std::map<std::string, std::int64_t>> decode_tool_calls(std::string_view text) {
  std::map<std::string, std::int64_t> out;
  for (std::string_view line : split_lines(text)) {
    const size_t tab = line.rfind('\t');
    std::int64_t count = 0;
    if (tab == std::string_view::npos || !parse_int(line.substr(tab + 1), count)) {
      return fail(Errc::parse, "malformed tool call counts");
    }
    out[unescape(line.substr(0, tab))] += count;
  }
  return out;
}

std::string encode_paths(const std::vector<std::string>& paths) {
  std::string out;
  for (const std::string& p : paths) {
    append_escaped(p, out);
    out += '\n';
  }
  return out;
}

std::vector<std::string> decode_paths(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view line : split_lines(text)) {
    out.push_back(unescape(line));
  }
  return out;
}

// One mark per line: action, ts, dir, branch, short SHA, subject, URL, tab-separated and
// escaped (a field never holds a raw tab or newline).
std::string encode_git_marks(const std::vector<GitMark>& marks) {
  std::string out;
  for (const GitMark& m : marks) {
    append_escaped(m.action, out);
    out += '\t';
    out += std::to_string(m.ts);
    for (const std::string* field : {&m.dir, &m.branch, &m.short_sha, &m.subject, &m.pr_url}) {
      out += '\t';
      append_escaped(*field, out);
    }
    out += '\n';
  }
  return out;
}

Result<std::vector<GitMark>> decode_git_marks(std::string_view text) {
  std::vector<GitMark> out;
  for (std::string_view line : split_lines(text)) {
    std::vector<std::string_view> fields;
    while (true) {
      const size_t tab = line.find('\t');
      fields.push_back(line.substr(0, tab));
      if (tab == std::string_view::npos) {
        break;
      }
      line.remove_prefix(tab + 1);
    }
    GitMark m;
    if (fields.size() != 7 || !parse_int(fields[1], m.ts)) {
      return fail(Errc::parse, "git marks: a line without its 7 fields");
    }
    m.action = unescape(fields[0]);
    m.dir = unescape(fields[2]);
    m.branch = unescape(fields[3]);
    m.short_sha = unescape(fields[4]);
    m.subject = unescape(fields[5]);
    m.pr_url = unescape(fields[6]);
    out.push_back(std::move(m));
  }
  return out;
}

std::string encode_ints(const std::vector<std::int64_t>& values) {
  std::string out;
  for (std::int64_t v : values) {
    if (!out.empty()) {
      out += ',';
    }
    out += std::to_string(v);
  }
  return out;
}

Result<std::vector<std::int64_t>> decode_ints(std::string_view text) {
  std::vector<std::int64_t> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::int64_t v = 0;
    if (!parse_int(text.substr(0, comma), v)) {
      return fail(Errc::parse, "malformed integer list");
    }
    out.push_back(v);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return out;
}

}  // namespace tally
