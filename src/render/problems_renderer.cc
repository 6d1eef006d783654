#include "render/problems_renderer.h"

#include <fmt/format.h>

#include "render/csv_renderer.h"
#include "render/json_renderer.h"
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
  const std::string_view colon = compact ? ":" : ": ";
  const std::string_view open = compact ? "{" : "  {\n    ";
  const std::string_view between = compact ? "," : ",\n    ";
  const std::string_view close = compact ? "}" : "\n  }";
  out += compact || problems.empty() ? "[" : "[\n";
  for (std::size_t i = 0; i < problems.size(); ++i) {
    const ParseProblem& p = problems[i];
    if (i > 0) {
      out += compact ? "," : ",\n";
    }
    out += open;
    out += "\"file\"";
    out += colon;
    append_json_string(p.file, out);
    out += between;
    out += fmt::format("\"line\"{}{}", colon, p.line);
    out += between;
    out += fmt::format("\"offset\"{}{}", colon, p.offset);
    out += between;
    out += "\"message\"";
    out += colon;
    append_json_string(p.what, out);
    out += close;
  }
  out += compact || problems.empty() ? "]\n" : "\n]\n";
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
