#include "render/problems_renderer.h"

#include <fmt/format.h>

#include "render/csv_renderer.h"
#include "render/json_writer.h"
#include "render/utf8.h"

namespace tally::render {
namespace {

void render_table(std::span<const ParseProblem> problems, std::string& out) {
  if (problems.empty()) {
    out += "No problems: every line tally read was usable.\n";
    return;
  }
  for (const ParseProblem& p : problems) {
    if (p.line > 0) {
      out += fmt::format("{}:{}: {}\n", terminal_safe(p.file), p.line, terminal_safe(p.what));
    } else {
      out += fmt::format("{}: {}\n", terminal_safe(p.file), terminal_safe(p.what));
    }
  }
}

void render_json(std::span<const ParseProblem> problems, bool compact, std::string& out) {
  JsonWriter w(out, compact ? JsonLayout::compact : JsonLayout::pretty);
  w.open('[');
  for (const ParseProblem& p : problems) {
    w.element();
    w.open('{');
    w.member("file");
    w.string(p.file);
    w.member("line");
    w.integer(p.line);
    w.member("offset");
    w.integer(p.offset);
    w.member("message");
    w.string(p.what);
    w.close('}');
  }
  w.close(']');
  out += "\n";
}

void render_csv(std::span<const ParseProblem> problems, std::string& out) {
  out += "file,line,offset,message\r\n";
  for (const ParseProblem& p : problems) {
    append_csv_field(p.file, out);
    out += ',';
    append_csv_number(std::to_string(p.line), out);
    out += ',';
    append_csv_number(std::to_string(p.offset), out);
    out += ',';
    append_csv_field(p.what, out);
    out += "\r\n";
  }
}

}  // namespace

void render_problems(std::span<const ParseProblem> problems, Format format,
                     const RenderOptions& options, std::string& out) {
  switch (format) {
    case Format::json:
      render_json(problems, options.compact, out);
      return;
    case Format::csv:
      render_csv(problems, out);
      return;
    case Format::table:
    case Format::html:
      render_table(problems, out);
      return;
  }
}

}  // namespace tally::render
