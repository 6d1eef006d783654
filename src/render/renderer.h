#pragma once

// The renderer interface: one subclass per output format (duckdb's TreeRenderer shape).
// A renderer is a pure function of a Report and its options; it never reads the
// environment, the terminal or the clock, so the CLI decides colour and width (NO_COLOR,
// isatty, COLUMNS) and golden tests pin the output byte for byte.
//
// Formats:
//   table  aligned text for people; drops less important columns to fit `width`.
//   json   the stable contract scripts depend on (json_renderer.h documents the schema).
//   csv    RFC 4180 rows for spreadsheets; no totals row, no warnings.
//   html   one self-contained page with the table and, for time-grouped reports, a chart.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/report.h"

namespace tally::render {

using analytics::Report;

enum class Format { table, json, csv, html };

// "table", "json", "csv", "html".
std::string_view format_name(Format format);
// Returns the format called `name` (as format_name spells it), or nullopt.
std::optional<Format> parse_format(std::string_view name);

struct RenderOptions {
  // Table only: emit ANSI SGR colours. Off by default; the CLI turns it on for a terminal
  // without NO_COLOR. Colour never changes the text or its alignment.
  bool color = false;
  // Table only: the terminal's width in columns; 0 means unlimited (output is not a
  // terminal). Columns are dropped, never wrapped, to fit, and a note says which.
  int width = 0;
  // Table: show only the keys, Agent, Model(s), Input, Output, Total tokens and Cost.
  // JSON: one line with no spaces instead of pretty-printing. CSV: no effect.
  bool compact = false;
};

class Renderer {
 public:
  virtual ~Renderer() = default;

  // Appends the rendering of `report` to `out` (existing content is kept, so a caller can
  // render several reports into one buffer). Output always ends with a newline and is
  // always valid UTF-8, whatever bytes the report's strings hold. Never fails.
  virtual void render(const Report& report, std::string& out) const = 0;
};

// Returns the renderer for `format`, configured with `options`. Never null.
std::unique_ptr<Renderer> make_renderer(Format format, const RenderOptions& options = {});

// The report's warnings one line each, for stderr next to a format that cannot carry them
// (CSV): "file:line: message", "file: message" or the message, escaped by terminal_safe
// (they come from the logs).
std::vector<std::string> warning_lines(const analytics::Report& report);

}  // namespace tally::render
