#include "render/renderer.h"

#include <fmt/format.h>

#include "render/csv_renderer.h"
#include "render/html_renderer.h"
#include "render/json_renderer.h"
#include "render/table_renderer.h"
#include "render/utf8.h"

namespace tally::render {

std::string_view format_name(Format format) {
  switch (format) {
    case Format::table:
      return "table";
    case Format::json:
      return "json";
    case Format::csv:
      return "csv";
    case Format::html:
      return "html";
  }
  return "table";
}

std::optional<Format> parse_format(std::string_view name) {
  for (const Format format : {Format::table, Format::json, Format::csv, Format::html}) {
    if (name == format_name(format)) {
      return format;
    }
  }
  return std::nullopt;
}

std::unique_ptr<Renderer> make_renderer(Format format, const RenderOptions& options) {
  switch (format) {
    case Format::table:
      return std::make_unique<TableRenderer>(options);
    case Format::json:
      return std::make_unique<JsonRenderer>(options);
    case Format::csv:
      return std::make_unique<CsvRenderer>();
    case Format::html:
      return std::make_unique<HtmlRenderer>();
  }
  return std::make_unique<TableRenderer>(options);
}

std::vector<std::string> warning_lines(const analytics::Report& report) {
  std::vector<std::string> out;
  for (const analytics::Warning& w : report.warnings) {
    if (w.file.empty()) {
      out.push_back(terminal_safe(w.message));
    } else if (w.line > 0) {
      out.push_back(fmt::format("{}:{}: {}", terminal_safe(w.file), w.line, terminal_safe(w.message)));
    } else {
      out.push_back(fmt::format("{}: {}", terminal_safe(w.file), terminal_safe(w.message)));
    }
  }
  return out;
}

}  // namespace tally::render
