#pragma once

// The agent adapter contract. An adapter turns an agent's files into usage records,
// cumulative snapshots and session facts; nothing outside src/sources knows about agents'
// formats (what else tally knows about an agent is data in core/agent.h's registry).
//
// Files are read incrementally (ingest/scanner.h): the scanner hands a FileParser complete
// lines from a byte offset on, and after each commit asks the parser for its state, so a
// later run can resume mid-file. A parser must therefore keep everything it needs from
// earlier lines (current model, last cumulative total, ...) in that state, and must emit
// only records whose ids are stable: the same response read again from another copy or
// after a rewrite gets the same id, and the ledger keeps it once.

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/problem.h"
#include "core/result.h"
#include "core/session_facts.h"
#include "core/usage.h"
#include "sources/fs_walk.h"

namespace tally::sources {

using tally::ParseProblem;
using tally::SessionFacts;

// Everything a parser produced from a run of lines; committed atomically with the cursor.
struct ParseOutput {
  std::vector<UsageRecord> records;
  std::vector<CumulativeSnapshot> snapshots;
  std::vector<SessionFacts> sessions;
  std::vector<ParseProblem> problems;
  std::int64_t lines = 0;          // complete lines seen
  std::int64_t skipped_lines = 0;  // lines the prefilter proved irrelevant
};

// One complete line. `text` excludes the newline and is padded for simdjson: at least
// simdjson::SIMDJSON_PADDING readable bytes follow it. Valid only during the call.
struct Line {
  std::string_view text;
  std::int64_t number = 0;  // 1-based line number in the file
  std::int64_t offset = 0;  // byte offset of the line's first byte
  // The JSON parser to use: one per ingest thread, reused across files so its buffers are
  // allocated once. Null: the FileParser uses one of its own (tests).
  simdjson::ondemand::parser* json = nullptr;
};

// How much of an over-long line wants() sees.
inline constexpr std::size_t kWantsPrefixBytes = 4096;

class FileParser {
 public:
  virtual ~FileParser() = default;

  // Restores the state an earlier parser of the same file returned from save_state().
  // Fails when the state is unreadable (the scanner then re-reads the file from the start).
  virtual Status restore_state(std::string_view state) = 0;
  virtual std::string save_state() const = 0;

  // Returns false when `line` certainly carries nothing this parser uses, so the scanner
  // can skip parsing it. Must be cheap; must never return false for a line that matters.
  // For a line longer than the scanner holds in memory, `line` is only its first
  // kWantsPrefixBytes bytes.
  virtual bool wants(std::string_view line) const = 0;
  // Handles one line that wants() accepted.
  virtual void on_line(const Line& line, ParseOutput& out) = 0;
  // Called once after the last complete line of this run, before save_state(): the parser
  // appends its per-file session facts (its full view, not a delta).
  virtual void finish(ParseOutput& out) = 0;

  // Substrings whose presence marks a line as possibly carrying usage. Used for lines too
  // long to hold in memory: such a line without any of these is skipped, with one, reported.
  virtual std::vector<std::string_view> needles() const = 0;
};

// One discovered log file.
struct SourceFile {
  Agent agent = Agent::claude;
  std::string path;              // as discovered (ingest dedupes by device and inode)
  std::string file_key;          // base name (see SessionFacts)
  bool whole_document = false;   // one JSON document, not JSONL (older Gemini *.json)
  std::optional<FileStat> stat;  // taken by discovery's walk; ingest stats it when absent
};

// The environment discovery may look at: only HOME and the agents' own variables (each
// registry row's `env_vars`), so that `HOME=X TALLY_DATA_DIR=Y tally ...` is hermetic.
struct DiscoveryEnv {
  std::string home;
  // Every registered agent's variables by name ("" when unset).
  std::map<std::string, std::string, std::less<>> vars;
  // The built-in adapters' variables, copied from `vars` (tests set them directly).
  std::string claude_config_dir;  // CLAUDE_CONFIG_DIR (comma-separated list allowed)
  std::string codex_home;         // CODEX_HOME
  std::string gemini_cli_home;    // GEMINI_CLI_HOME
  // The variable `name` from `vars`, "" when absent. Valid while this object is unchanged.
  std::string_view var(std::string_view name) const;
  // Reads HOME and every registered agent's variables from the process environment.
  static DiscoveryEnv from_environment();
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  virtual Agent agent() const = 0;
  // The directories this adapter looks in (for "no logs found, looked in ...").
  virtual std::vector<std::string> roots(const DiscoveryEnv& env) const = 0;
  // Appends every log file under `roots(env)` to `out`; missing roots are not errors.
  virtual void discover(const DiscoveryEnv& env, std::vector<SourceFile>& out) const = 0;
  // The file discover() would give for `path`, a log of this adapter's read before (a
  // stored cursor's path), without walking the roots: a quick refresh (ingest/refresh.h)
  // reads the files written lately this way. The default is a JSONL log keyed by its base
  // name.
  virtual SourceFile file_at(const std::string& path) const {
    return SourceFile{agent(), path, base_name(path), false, std::nullopt};
  }
  // A fresh parser for `file`, positioned at its start.
  virtual std::unique_ptr<FileParser> open(const SourceFile& file) const = 0;
};

// The adapter of every agent in the registry, in registration order (sources/registry.h).
std::vector<std::unique_ptr<Adapter>> all_adapters();

}  // namespace tally::sources
