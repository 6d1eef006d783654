#include "render/json_renderer.h"

#include <fmt/format.h>

#include <cstdint>
#include <vector>

#include "render/report_fields.h"
#include "render/utf8.h"

namespace tally::render {
namespace {

// Emits JSON punctuation with or without pretty-printing. Only the renderer's fixed shape
// is needed (objects of scalars, arrays of those), so this is a few helpers, not a DOM.
class JsonWriter {
 public:
  JsonWriter(std::string& out, bool compact) : out_(out), compact_(compact) {}

  void open(char bracket) {
    out_.push_back(bracket);
    ++depth_;
    first_ = true;
  }
  // Closes the innermost container; `empty` containers print as {} or [].
  void close(char bracket) {
    --depth_;
    if (!first_) {
      newline();
    }
    out_.push_back(bracket);
    first_ = false;
  }
  // Starts the next element of the innermost container.
  void element() {
    if (!first_) {
      out_.push_back(',');
    }
    newline();
    first_ = false;
  }
  void member(std::string_view name) {
    element();
    append_json_string(name, out_);
    out_ += compact_ ? ":" : ": ";
  }
  void string(std::string_view text) { append_json_string(text, out_); }
  void integer(std::int64_t value) { out_ += fmt::format("{}", value); }
  void field(const Field& f) {
    member(f.name);
    if (f.type == FieldType::string) {
      string(f.text);
    } else if (f.text.empty()) {
      out_ += "null";
    } else {
      out_ += f.text;
    }
  }
  void string_array(std::string_view name, const std::vector<std::string>& items) {
    member(name);
    open('[');
    for (const std::string& item : items) {
      element();
      string(item);
    }
    close(']');
  }

 private:
  void newline() {
    if (!compact_) {
      out_.push_back('\n');
      out_.append(static_cast<std::size_t>(depth_) * 2, ' ');
    }
  }

  std::string& out_;
  bool compact_;
  int depth_ = 0;
  bool first_ = true;
};

}  // namespace

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(text, out);
  return out;
}

void append_json_string(std::string_view text, std::string& out) {
  out.push_back('"');
  for (std::size_t pos = 0; pos < text.size();) {
    const Utf8Char c = decode_utf8(text, pos);
    if (!c.valid) {
      append_utf8(c.cp, out);
    } else if (c.cp == '"') {
      out += "\\\"";
    } else if (c.cp == '\\') {
      out += "\\\\";
    } else if (c.cp == '\n') {
      out += "\\n";
    } else if (c.cp == '\r') {
      out += "\\r";
    } else if (c.cp == '\t') {
      out += "\\t";
    } else if (c.cp == '\b') {
      out += "\\b";
    } else if (c.cp == '\f') {
      out += "\\f";
    } else if (c.cp < 0x20 || (c.cp >= 0x7F && c.cp < 0xA0)) {
      // DEL and C1 are legal raw in JSON, but escaping them keeps `cat report.json` from
      // handing a terminal a control sequence (U+009B is CSI on some terminals).
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c.cp));
    } else {
      out.append(text.substr(pos, c.len));
    }
    pos += c.len;
  }
  out.push_back('"');
}

void JsonRenderer::render(const Report& report, std::string& out) const {
  const std::vector<std::string> key_fields = key_field_names(report);
  JsonWriter w(out, compact_);
  w.open('{');
  w.member("title");
  w.string(report.title);
  w.string_array("keys", key_fields);

  w.member("rows");
  w.open('[');
  for (const analytics::ReportRow& row : report.rows) {
    w.element();
    w.open('{');
    for (const Field& f : row_fields(row, report.key_names, key_fields)) {
      w.field(f);
    }
    w.close('}');
  }
  w.close(']');

  w.member("totals");
  w.open('{');
  for (const Field& f : totals_fields(report.totals)) {
    w.field(f);
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

  w.string_array("notes", report.notes);
  w.close('}');
  out.push_back('\n');
}

}  // namespace tally::render
