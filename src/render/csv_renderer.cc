#include "render/csv_renderer.h"

#include "render/report_fields.h"
#include "render/utf8.h"

namespace tally::render {
namespace {

constexpr std::string_view kLineEnd = "\r\n";  // RFC 4180 §2.1

}  // namespace

void append_csv_field(std::string_view text, std::string& out) {
  const std::string clean = sanitize_utf8(text);
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
  out += kLineEnd;

  for (const analytics::ReportRow& row : report.rows) {
    first = true;
    for (const Field& f : row_fields(row, report.key_names, key_fields)) {
      separator();
      append_csv_field(f.text, out);
    }
    out += kLineEnd;
  }
}

}  // namespace tally::render
