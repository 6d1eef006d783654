#include "render/json_renderer.h"

#include <fmt/format.h>

#include <cstdint>
#include <vector>

#include "render/json_writer.h"
#include "render/report_fields.h"

namespace tally::render {
namespace {

void write_field(JsonWriter& w, const Field& f) {
  w.member(f.name);
  if (f.type == FieldType::string) {
    w.string(f.text);
  } else if (f.text.empty()) {
    w.null();
  } else {
    w.raw(f.text);
  }
}

void write_strings(JsonWriter& w, std::string_view name, const std::vector<std::string>& items) {
  w.member(name);
  w.open('[');
  for (const std::string& item : items) {
    w.element();
    w.string(item);
  }
  w.close(']');
}

// The row's per-model shares: one object each, with a row's fields minus its keys.
void write_breakdown(JsonWriter& w, const std::vector<analytics::ModelShare>& shares) {
  w.member(kBreakdownField);
  w.open('[');
  for (const analytics::ModelShare& share : shares) {
    w.element();
    w.open('{');
    for (const Field& f : share_fields(share)) {
      write_field(w, f);
    }
    w.close('}');
  }
  w.close(']');
}

}  // namespace

void JsonRenderer::render(const Report& report, std::string& out) const {
  const std::vector<std::string> key_fields = key_field_names(report);
  JsonWriter w(out, compact_ ? JsonLayout::compact : JsonLayout::pretty);
  w.open('{');
  w.member("title");
  w.string(report.title);
  write_strings(w, "keys", key_fields);

  w.member("rows");
  w.open('[');
  for (const analytics::ReportRow& row : report.rows) {
    w.element();
    w.open('{');
    for (const Field& f : row_fields(row, report.key_names, key_fields)) {
      write_field(w, f);
    }
    if (report.breakdown) {
      write_breakdown(w, row.breakdown);
    }
    w.close('}');
  }
  w.close(']');

  w.member("totals");
  w.open('{');
  for (const Field& f : totals_fields(report.totals)) {
    write_field(w, f);
  }
  w.close('}');

  w.member("warnings");
  w.open('[');
  for (const analytics::Warning& warning : report.warnings) {
    w.element();
    w.open('{');
    w.member("kind");
    w.string(warning.kind);
    w.member("message");
    w.string(warning.message);
    w.member("file");
    w.string(warning.file);
    w.member("line");
    w.integer(warning.line);
    w.close('}');
  }
  w.close(']');

  write_strings(w, "notes", report.notes);
  w.close('}');
  out.push_back('\n');
}

}  // namespace tally::render
