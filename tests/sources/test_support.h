#pragma once

// Test support for the adapters: drives a FileParser exactly as the scanner does (complete lines
// only, newline excluded, simdjson padding readable after each line, wants() before on_line(),
// finish() after the last line of a run, save_state()/restore_state() between runs), reads the
// ground truth of the derived real-CLI fixtures, and makes throw-away directory trees.

#include <fmt/format.h>
#include <simdjson.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "sources/adapter.h"

namespace tally::sources::test {

// The derived real-CLI fixtures (tests/data/real-logs): a HOME with .claude, .codex, .gemini.
inline std::string real_home() { return TALLY_TESTDATA "/real-logs/home"; }
inline std::string ground_truth_path() { return TALLY_TESTDATA "/real-logs/ground_truth.json"; }

// Returns the bytes of `path`, or "" when unreadable.
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::string& path, std::string_view text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A file's text held the way the scanner holds it: padded, so every line has at least
// SIMDJSON_PADDING readable bytes after it (the following lines, then the padding).
class PaddedText {
 public:
  explicit PaddedText(std::string_view text) : buf_(text) {
    size_ = buf_.size();
    buf_.append(simdjson::SIMDJSON_PADDING, '\0');
  }
  std::string_view view() const { return std::string_view(buf_.data(), size_); }

 private:
  std::string buf_;
  size_t size_ = 0;
};

// The complete lines of `text`: a last line without '\n' is not complete and is left out.
// Blank lines are numbered but not returned (the scanner skips them).
inline std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  std::int64_t number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      break;
    }
    ++number;
    if (nl > pos) {
      lines.push_back(Line{text.substr(pos, nl - pos), number, static_cast<std::int64_t>(pos)});
    }
    pos = nl + 1;
  }
  return lines;
}

// Feeds `lines` to `parser` (wants, then on_line) and calls finish().
inline void feed(FileParser& parser, const std::vector<Line>& lines, ParseOutput& out) {
  for (const Line& line : lines) {
    ++out.lines;
    if (!parser.wants(line.text)) {
      ++out.skipped_lines;
      continue;
    }
    parser.on_line(line, out);
  }
  parser.finish(out);
}

// One run of a fresh parser over all of `text`. A whole-document file is one Line.
inline ParseOutput parse_text(const Adapter& adapter, const SourceFile& file,
                              std::string_view text) {
  PaddedText padded(text);
  std::vector<Line> lines;
  if (file.whole_document) {
    lines.push_back(Line{padded.view(), 1, 0});
  } else {
    lines = split_lines(padded.view());
  }
  ParseOutput out;
  std::unique_ptr<FileParser> parser = adapter.open(file);
  feed(*parser, lines, out);
  return out;
}

inline ParseOutput parse_file(const Adapter& adapter, const SourceFile& file) {
  return parse_text(adapter, file, read_file(file.path));
}

// Two runs over `text`: lines [0, split) with one parser, then save_state(), a new parser that
// restore_state()s, and the remaining lines. Returns both runs' records and problems and the
// second run's session facts (a run's facts replace the previous run's).
inline ParseOutput parse_in_two_runs(const Adapter& adapter, const SourceFile& file,
                                     std::string_view text, size_t split) {
  PaddedText padded(text);
  const std::vector<Line> lines = split_lines(padded.view());
  split = std::min(split, lines.size());
  ParseOutput first;
  std::unique_ptr<FileParser> a = adapter.open(file);
  feed(*a, std::vector<Line>(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(split)),
       first);
  const std::string state = a->save_state();
  ParseOutput second;
  std::unique_ptr<FileParser> b = adapter.open(file);
  if (!b->restore_state(state)) {
    second.problems.push_back(ParseProblem{file.path, 0, 0, "restore_state failed"});
  }
  feed(*b, std::vector<Line>(lines.begin() + static_cast<std::ptrdiff_t>(split), lines.end()),
       second);
  ParseOutput all = std::move(first);
  all.records.insert(all.records.end(), second.records.begin(), second.records.end());
  all.problems.insert(all.problems.end(), second.problems.begin(), second.problems.end());
  all.sessions = std::move(second.sessions);
  all.lines += second.lines;
  all.skipped_lines += second.skipped_lines;
  return all;
}

// Per-model totals the way the ledger sees them: records upserted by id (the last copy wins).
struct ModelTotals {
  TokenCounts tokens;
  std::int64_t requests = 0;
  bool operator==(const ModelTotals&) const = default;
};

inline std::map<std::string, UsageRecord> by_id(const std::vector<UsageRecord>& records) {
  std::map<std::string, UsageRecord> out;
  for (const UsageRecord& r : records) {
    out[r.id] = r;
  }
  return out;
}

inline std::map<std::string, ModelTotals> totals_by_model(const std::vector<UsageRecord>& records) {
  std::map<std::string, ModelTotals> out;
  for (const auto& [id, r] : by_id(records)) {
    out[r.model].tokens += r.tokens;
    ++out[r.model].requests;
  }
  return out;
}

// Sums ground_truth.json's "models" over the scenarios of `agent` ("codex", "gemini", ...).
// Empty when the file is unreadable.
inline std::map<std::string, ModelTotals> ground_truth(std::string_view agent) {
  std::map<std::string, ModelTotals> out;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.load(ground_truth_path()).get(root) != simdjson::SUCCESS) {
    return out;
  }
  simdjson::dom::object scenarios;
  if (root.get_object().get(scenarios) != simdjson::SUCCESS) {
    return out;
  }
  for (auto [name, scenario] : scenarios) {
    std::string_view scenario_agent;
    simdjson::dom::object models;
    if (scenario["agent"].get_string().get(scenario_agent) != simdjson::SUCCESS ||
        scenario_agent != agent ||
        scenario["models"].get_object().get(models) != simdjson::SUCCESS) {
      continue;
    }
    for (simdjson::dom::key_value_pair entry : models) {
      ModelTotals& t = out[std::string(entry.key)];
      const simdjson::dom::element m = entry.value;
      auto get = [&m](const char* key) {
        std::int64_t v = 0;
        return m[key].get_int64().get(v) == simdjson::SUCCESS ? v : 0;
      };
      t.tokens.input += get("input_tokens");
      t.tokens.cache_read += get("cache_read_tokens");
      t.tokens.cache_write += get("cache_write_tokens");
      t.tokens.cache_write_1h += get("cache_write_1h_tokens");
      t.tokens.output += get("output_tokens");
      t.tokens.reasoning += get("reasoning_tokens");
      t.requests += get("requests");
    }
  }
  return out;
}

// Every field of a record but its source path, for comparing runs.
inline std::string describe(const UsageRecord& r) {
  return fmt::format(
      "{} ts={} s={} p={} proj={} m={} e={} sp={} tier={} req={} in={} cr={} cw={} out={} "
      "rs={} line={} off={}",
      r.id, r.ts, r.session_id, r.parent_session_id, r.project, r.model, r.effort, r.speed,
      r.service_tier, r.request_id, r.tokens.input, r.tokens.cache_read, r.tokens.cache_write,
      r.tokens.output, r.tokens.reasoning, r.source_line, r.source_offset);
}

inline std::vector<std::string> describe(const std::vector<UsageRecord>& records) {
  std::vector<std::string> out;
  for (const UsageRecord& r : records) {
    out.push_back(describe(r));
  }
  return out;
}

inline std::string describe(const SessionFacts& f) {
  std::string tools;
  for (const auto& [name, count] : f.tool_calls) {
    tools += fmt::format("{}:{};", name, count);
  }
  std::string files;
  for (const std::string& p : f.files_touched) {
    files += p + ";";
  }
  std::string sizes;
  for (std::int64_t n : f.compaction_tokens) {
    sizes += fmt::format("{};", n);
  }
  return fmt::format(
      "{} parent={} key={} proj={} title={} first={} last={} prompts={} commands={} "
      "responses={} errors={} compactions={} sizes={} lines=+{}-{} tools={} edit={} shell={} "
      "search={} fetch={} files={} more={} git={} git_more={}",
      f.session_id, f.parent_session_id, f.file_key, f.project, f.title, f.first_ts, f.last_ts,
      f.user_prompts, f.commands, f.responses, f.errors, f.compactions, sizes, f.lines_added,
      f.lines_removed, tools, f.edit_calls, f.shell_calls, f.web_searches, f.web_fetches, files,
      f.files_touched_more, encode_git_marks(f.git_marks), f.git_marks_more);
}

inline std::vector<std::string> describe(const std::vector<ParseProblem>& problems) {
  std::vector<std::string> out;
  for (const ParseProblem& p : problems) {
    out.push_back(fmt::format("{}:{}@{} {}", p.file, p.line, p.offset, p.what));
  }
  return out;
}

// A parser whose prefilter accepts everything: the reference for wants().
class WantsEverything final : public FileParser {
 public:
  explicit WantsEverything(std::unique_ptr<FileParser> inner) : inner_(std::move(inner)) {}
  Status restore_state(std::string_view s) override { return inner_->restore_state(s); }
  std::string save_state() const override { return inner_->save_state(); }
  bool wants(std::string_view) const override { return true; }
  void on_line(const Line& line, ParseOutput& out) override { inner_->on_line(line, out); }
  void finish(ParseOutput& out) override { inner_->finish(out); }
  std::vector<std::string_view> needles() const override { return inner_->needles(); }

 private:
  std::unique_ptr<FileParser> inner_;
};

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tally-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) {
      path_ = pattern;
    }
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) {
      std::filesystem::remove_all(path_, ec);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace tally::sources::test
