#pragma once

// CSV output (RFC 4180) for spreadsheets and finance imports: a header row with the same
// field names as JSON (report_fields.h: grouping keys first), then one record per report
// row, every line ended by CRLF. Fields holding a comma, a double quote, CR or LF are
// quoted, with quotes doubled; invalid UTF-8 becomes U+FFFD. Numbers are unquoted and
// unformatted (no thousands separators, cost as "0.0618").
//
// There is deliberately no totals row: importers sum the column themselves, and a totals
// record would be counted twice. Warnings and notes are not data; the CLI prints them to
// stderr.

#include <string>
#include <string_view>

#include "render/renderer.h"

namespace tally::render {

class CsvRenderer final : public Renderer {
 public:
  void render(const Report& report, std::string& out) const override;
};

// Appends `text` to `out` as one CSV field, quoted only when RFC 4180 requires it.
void append_csv_field(std::string_view text, std::string& out);

}  // namespace tally::render
