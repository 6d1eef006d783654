#pragma once

// CSV output (RFC 4180) for spreadsheets and finance imports: a header row with the same
// field names as JSON (report_fields.h: grouping keys first), then one record per report
// row, every line ended by CRLF. Fields holding a comma, a double quote, CR or LF are
// quoted, with quotes doubled; invalid UTF-8 becomes U+FFFD, and other control characters
// (ESC, BEL, DEL, C1) are spelled "\x1b" as in terminal_safe() (utf8.h), since CSV has no
// escapes and is often read on a terminal. Numbers are unquoted and unformatted (no
// thousands separators, cost as "0.0618").
//
// Formula injection (OWASP "CSV Injection"): model names, project paths and session titles
// come from agent logs, and a spreadsheet runs a cell starting with `=`, `+`, `-` or `@` as a
// formula (`=HYPERLINK(...)`, `+cmd|' /C calc'!A0`); a leading tab or CR is skipped by some
// importers before that check. Every text cell starting with one of those six characters
// gets a leading `'`, which spreadsheets read as "this is text" and do not show. Number
// cells are written as numbers (a negative cost stays -0.5), so every CSV writer in tally
// sends text through append_csv_field() and numbers through append_csv_number().
//
// There is deliberately no totals row: importers sum the column themselves, and a totals
// record would be counted twice. Warnings and notes are not data; the CLI prints them to
// stderr.
//
// With Report::breakdown (--breakdown) each row is followed by one line per agent and model,
// its keys repeated, and a last column, row_type, says which is which: "total" for the row,
// "model" for its lines. Sum one kind only: the model lines of a row add up to it exactly.

#include <string>
#include <string_view>

#include "render/renderer.h"

namespace tally::render {

class CsvRenderer final : public Renderer {
 public:
  void render(const Report& report, std::string& out) const override;
};

// Appends `text` to `out` as one CSV text cell: invalid UTF-8 replaced by U+FFFD, controls
// other than TAB, CR and LF escaped, a leading `=`, `+`, `-`, `@`, tab or CR neutralised
// with a `'` in front, then quoted only when RFC 4180 requires it. Use it for every string,
// whatever its origin; it is the one place CSV text is made safe.
void append_csv_field(std::string_view text, std::string& out);

// Appends `number` to `out` as one CSV number cell, unchanged, when it is spelled as a plain
// decimal number ("12", "-3", "0.0618", "-1.5e-07"); "" is an empty cell (a null). Anything
// else is written as text by append_csv_field(), so a cell mistyped as a number can never
// carry a formula.
void append_csv_number(std::string_view number, std::string& out);

}  // namespace tally::render
