#pragma once

// What every command shares: exit codes, output, the report options and how they become a
// query, the start of a report (query, ingested ledger, "no logs" answer), and what the
// terminal is told meanwhile. Commands build data, have src/render turn it into text and
// print through here.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "analytics/report.h"
#include "analytics/rollup.h"
#include "app/context.h"
#include "core/result.h"
#include "render/renderer.h"

namespace tally::cli {

// The flags every report command takes (add_report_options).
struct ReportOptions {
  std::string since;
  std::string until;
  std::string timezone;
  std::string agent;
  std::string project;
  bool json = false;
  bool csv = false;
  std::string format;  // --format: table, json, csv or html ("" = from --json/--csv)
  std::string output;  // -o/--output: write here (atomically) instead of stdout
  bool compact = false;
  bool no_ingest = false;  // report from the ledger as it is
  bool quiet = false;      // no progress on stderr
  std::string speed;       // "standard": the what-if of pricing fast/priority as standard
  bool demo = false;       // the demo ledger and logs of `tally demo`, not the user's
  std::string sort;        // --sort: cost, tokens, requests or date ("" = the report's order)
  std::int64_t limit = 0;  // --limit/--top: rows shown (0 = all)
  bool breakdown = false;  // --breakdown: each row's per-model lines (grouped reports)
};

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Prints "tally: error: ..." (the message escaped by render::terminal_safe) and returns 2 for
// usage errors, 1 otherwise.
int error_exit(const Error& e);

// Writes to stdout as is.
void print(const std::string& out);

// Writes a command's output where `o` says: stdout, or with --output the file, atomically
// (a temporary file in the same directory, then rename). Returns the exit status.
int deliver(const ReportOptions& o, const std::string& out);

// The terminal's width in columns (COLUMNS wins), or 0 when stdout is not a terminal.
int terminal_width();

// Whether table output may use colour: stdout is a terminal and NO_COLOR is unset or empty.
bool use_color();

render::Format format_of(const ReportOptions& o);
render::RenderOptions render_options(const ReportOptions& o);

// --since/--until/--agent/--project/--speed/--breakdown as a query; invalid_argument on bad
// input.
Result<analytics::ReportQuery> make_query(const ReportOptions& o);

// Writes warnings to stderr, one "tally: warning: <line>" each, for formats that cannot
// carry them (CSV); the lines are already escaped (render::warning_lines, outcome_warnings).
void print_warnings(const std::vector<std::string>& lines);

// The flags every report command takes.
void add_report_options(CLI::App& app, ReportOptions& o);

// What every report command starts with: the query, an ingested ledger, and the "no logs"
// answer. Returns an exit status when the command is already finished. A command that writes
// HTML and honours --output (through deliver()) passes `html_and_output`; any other command
// refuses --format html and -o with a usage error rather than ignoring them.
std::optional<int> start_report(const ReportOptions& options,
                                std::optional<analytics::ReportQuery>& query,
                                std::optional<app::Context>& ctx, bool html_and_output = false);

// What app::prepare() needs of the report flags.
app::ContextOptions context_options(const ReportOptions& o);

// Progress and notes for a person at a terminal: notes always go to stderr; ingest progress
// too, on a terminal and unless `quiet`, as one line rewritten in place and erased at the end.
app::Observer terminal_observer(bool quiet);

}  // namespace tally::cli
