#include "render/json_writer.h"

#include <fmt/format.h>

#include "render/utf8.h"

namespace tally::render {

void JsonWriter::open(char bracket) {
  open(bracket, levels_.empty() ? layout_ : levels_.back().layout);
}

void JsonWriter::open(char bracket, JsonLayout layout) {
  out_.push_back(bracket);
  levels_.push_back(Level{layout});
}

void JsonWriter::close(char bracket) {
  const Level level = levels_.back();
  levels_.pop_back();
  if (!level.first) {
    break_line(level.layout);
  }
  out_.push_back(bracket);
}

void JsonWriter::element() {
  Level& level = levels_.back();
  if (!level.first) {
    out_ += level.layout == JsonLayout::line ? ", " : ",";
  }
  level.first = false;
  break_line(level.layout);
}

void JsonWriter::member(std::string_view name) {
  element();
  append_json_string(name, out_);
  out_ += levels_.back().layout == JsonLayout::compact ? ":" : ": ";
}

void JsonWriter::string(std::string_view text) { append_json_string(text, out_); }

void JsonWriter::integer(std::int64_t value) {
  fmt::format_to(std::back_inserter(out_), "{}", value);
}

void JsonWriter::boolean(bool value) { out_ += value ? "true" : "false"; }

void JsonWriter::null() { out_ += "null"; }

void JsonWriter::raw(std::string_view json) { out_ += json; }

// A new line indented by the open pretty containers (those on one line add no indent), or
// just a new line (flat).
void JsonWriter::break_line(JsonLayout layout) {
  if (layout == JsonLayout::pretty) {
    int depth = indent_;
    for (const Level& level : levels_) {
      depth += level.layout == JsonLayout::pretty ? 1 : 0;
    }
    out_.push_back('\n');
    out_.append(static_cast<std::size_t>(depth) * 2, ' ');
  } else if (layout == JsonLayout::flat) {
    out_.push_back('\n');
  }
}

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

}  // namespace tally::render
