#include "render/csv_renderer.h"

#include "render/report_fields.h"
#include "render/utf8.h"

namespace tally::render {
namespace {

constexpr std::string_view kLineEnd = "\r\n";  // RFC 4180 §2.1

// The first characters OWASP lists as starting a formula (or hiding one after them).
constexpr std::string_view kFormulaStarts = "=+-@\t\r";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// -?digits(.digits)?([eE][+-]?digits)?: what format_decimal() and std::to_string() write.
bool is_plain_number(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&s, &i] {
    const std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) {
      ++i;
    }
    return i > start;
  };
  if (i < s.size() && s[i] == '-') {
    ++i;
  }
  if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) {
      return false;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      ++i;
    }
    if (!digits()) {
      return false;
    }
  }
  return i == s.size();
}

}  // namespace

void append_csv_field(std::string_view text, std::string& out) {
  // CSV has no escapes of its own and is often read on a terminal (`tally models --csv`):
  // controls other than the TAB, CR and LF that quoting carries are spelled as in a table.
  std::string clean = terminal_safe(text, KeepBreaks::tab_and_line_ends);
  if (!clean.empty() && kFormulaStarts.find(clean.front()) != std::string_view::npos) {
    clean.insert(clean.begin(), '\'');
  }
  if (clean.find_first_of(",\"\r\n") == std::string::npos) {
    out += clean;
    return;
  }
  out.push_back('"');
  for (const char c : clean) {
    if (c == '"') {
      out.push_back('"');
    }
    out.push_back(c);
  }
  out.push_back('"');
}

void append_csv_number(std::string_view number, std::string& out) {
  if (number.empty() || is_plain_number(number)) {
    out += number;
  } else {
    append_csv_field(number, out);
  }
}

void CsvRenderer::render(const Report& report, std::string& out) const {
  const std::vector<std::string> key_fields = key_field_names(report);
  bool first = true;
  auto separator = [&first, &out] {
    if (!first) {
      out.push_back(',');
    }
    first = false;
  };

  for (const std::string& name : key_fields) {
    separator();
    append_csv_field(name, out);
  }
  for (const std::string_view name : kRowFieldNames) {
    separator();
    append_csv_field(name, out);
  }
  // Last, so that every other column keeps its place with and without --breakdown.
  if (report.breakdown) {
    separator();
    append_csv_field(kRowTypeField, out);
  }
  out += kLineEnd;

  auto line = [&](const std::vector<Field>& fields, std::string_view row_type) {
    first = true;
    for (const Field& f : fields) {
      separator();
      if (f.type == FieldType::string) {
        append_csv_field(f.text, out);
      } else {
        append_csv_number(f.text, out);
      }
    }
    if (report.breakdown) {
      separator();
      append_csv_field(row_type, out);
    }
    out += kLineEnd;
  };
  for (const analytics::ReportRow& row : report.rows) {
    line(row_fields(row, report.key_names, key_fields), kTotalRow);
    if (report.breakdown) {
      for (const analytics::ModelShare& share : row.breakdown) {
        line(share_line_fields(row, share, report.key_names, key_fields), kModelRow);
      }
    }
  }
}

}  // namespace tally::render
