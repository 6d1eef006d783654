#include "render/grid.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "render/csv_renderer.h"
#include "render/json_writer.h"
#include "render/number_format.h"
#include "render/utf8.h"

namespace tally::render {
namespace {

constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kReset = "\x1b[22m";

bool right_aligned(CellType type) { return type == CellType::integer || type == CellType::number; }

void json_value(JsonWriter& w, const GridColumn& column, const GridCell& cell) {
  if (cell.value.empty()) {
    w.null();
  } else if (column.type == CellType::string) {
    w.string(cell.value);
  } else {
    w.raw(cell.value);
  }
}

}  // namespace

GridCell text_cell(std::string_view s) { return {std::string(s), std::string(s)}; }

GridCell count_cell(std::int64_t n) { return {format_count(n), std::to_string(n)}; }

GridCell usd_cell(double usd) { return {format_usd(usd), format_decimal(usd)}; }

GridCell number_cell(double v, int decimals) {
  return {fmt::format("{:.{}f}", v, decimals), format_decimal(v)};
}

GridCell rounded_count_cell(double v) {
  return {format_count(static_cast<std::int64_t>(std::llround(v))), format_decimal(v)};
}

GridCell percent_cell(double ratio) {
  return {fmt::format("{:.1f}%", ratio * 100), format_decimal(ratio)};
}

GridCell marked_usd_cell(const analytics::Totals& t) {
  GridCell cell = usd_cell(t.cost_usd);
  if (t.requests == 0) {
    cell.text.clear();  // nothing happened: "-", not "$0.0000"
  } else if (t.unpriced_requests > 0) {
    cell.text += " ?";
  } else if (t.reported_requests > 0) {
    cell.text += " ~";
  }
  return cell;
}

GridCell short_time_cell(TimeMs t, const Zone& zone) {
  const std::string full = format_local_time(t, zone);
  return GridCell{full.substr(5), full};
}

GridCell null_cell() { return {"", ""}; }

GridCell ratio_cell(double a, double b) { return b == 0 ? null_cell() : percent_cell(a / b); }

void render_grid_table(const Grid& full, const RenderOptions& options, std::string& out) {
  // The table's columns: those marked in_table.
  Grid grid;
  grid.title = full.title;
  grid.notes = full.notes;
  grid.empty_text = full.empty_text;
  std::vector<size_t> shown;
  for (size_t c = 0; c < full.columns.size(); ++c) {
    if (full.columns[c].in_table) {
      shown.push_back(c);
      grid.columns.push_back(full.columns[c]);
    }
  }
  for (const std::vector<GridCell>& row : full.rows) {
    std::vector<GridCell> cells;
    for (const size_t c : shown) {
      cells.push_back(c < row.size() ? row[c] : null_cell());
    }
    grid.rows.push_back(std::move(cells));
  }
  const size_t n = grid.columns.size();
  std::vector<std::string> headers(n);
  std::vector<size_t> widths(n, 0);
  for (size_t c = 0; c < n; ++c) {
    headers[c] = terminal_safe(grid.columns[c].header);
    widths[c] = display_width(headers[c]);
  }
  std::vector<std::vector<std::string>> cells;
  for (const std::vector<GridCell>& row : grid.rows) {
    std::vector<std::string> line(n);
    for (size_t c = 0; c < n && c < row.size(); ++c) {
      line[c] = row[c].text.empty() ? "-" : terminal_safe(row[c].text);
      widths[c] = std::max(widths[c], display_width(line[c]));
    }
    cells.push_back(std::move(line));
  }
  auto emit = [&](const std::vector<std::string>& line) {
    std::string text;
    for (size_t c = 0; c < n; ++c) {
      const size_t used = display_width(line[c]);
      const size_t fill = widths[c] > used ? widths[c] - used : 0;
      if (c > 0) {
        text += "  ";
      }
      if (right_aligned(grid.columns[c].type)) {
        text.append(fill, ' ');
        text += line[c];
      } else {
        text += line[c];
        if (c + 1 < n) {
          text.append(fill, ' ');
        }
      }
    }
    return text;
  };
  if (!grid.title.empty()) {
    const std::string title = terminal_safe(grid.title);
    out += options.color ? fmt::format("{}{}{}\n", kBold, title, kReset) : title + "\n";
  }
  if (grid.rows.empty()) {
    out += grid.empty_text + "\n";
  } else {
    const std::string header = emit(headers);
    out += options.color ? fmt::format("{}{}{}\n", kBold, header, kReset) : header + "\n";
    size_t total = 0;
    for (size_t c = 0; c < n; ++c) {
      total += widths[c] + (c > 0 ? 2 : 0);
    }
    for (size_t i = 0; i < total; ++i) {
      out += "\u2500";
    }
    out += '\n';
    for (const std::vector<std::string>& line : cells) {
      out += emit(line);
      out += '\n';
    }
  }
  for (const std::string& note : grid.notes) {
    out += "note: " + terminal_safe(note) + "\n";
  }
}

void render_grid_json(const Grid& grid, bool compact, int indent, std::string& out) {
  JsonWriter w(out, compact ? JsonLayout::compact : JsonLayout::pretty, indent);
  w.open('{');
  w.member("title");
  w.string(grid.title);
  w.member("rows");
  w.open('[');
  for (const std::vector<GridCell>& row : grid.rows) {
    w.element();
    w.open('{');
    for (size_t c = 0; c < grid.columns.size(); ++c) {
      w.member(grid.columns[c].name);
      json_value(w, grid.columns[c], c < row.size() ? row[c] : null_cell());
    }
    w.close('}');
  }
  w.close(']');
  w.member("notes");
  w.open('[');
  for (const std::string& note : grid.notes) {
    w.element();
    w.string(note);
  }
  w.close(']');
  w.close('}');
}

void render_grid_csv(const Grid& grid, std::string& out) {
  for (size_t c = 0; c < grid.columns.size(); ++c) {
    out += c > 0 ? "," : "";
    append_csv_field(grid.columns[c].name, out);
  }
  out += "\r\n";
  for (const std::vector<GridCell>& row : grid.rows) {
    for (size_t c = 0; c < grid.columns.size(); ++c) {
      out += c > 0 ? "," : "";
      if (c >= row.size()) {
        continue;
      }
      if (grid.columns[c].type == CellType::string) {
        append_csv_field(row[c].value, out);
      } else {
        append_csv_number(row[c].value, out);
      }
    }
    out += "\r\n";
  }
}

std::string json_object(const std::vector<std::pair<std::string, std::string>>& members,
                        bool compact) {
  std::string out;
  JsonWriter w(out, compact ? JsonLayout::compact : JsonLayout::pretty);
  w.open('{');
  for (const auto& [name, json] : members) {
    w.member(name);
    w.raw(json);
  }
  w.close('}');
  return out;
}

std::string render_grid_view(const Grid& grid, std::string_view key, TimeMs now, const Zone& zone,
                             Format format, const RenderOptions& options, std::string_view note) {
  std::string out;
  if (format == Format::json) {
    std::string body;
    render_grid_json(grid, options.compact, options.compact ? 0 : 1, body);
    out = json_object({{"as_of", json_string(format_iso8601(now))},
                       {"timezone", json_string(zone.name())},
                       {std::string(key), body}},
                      options.compact);
    out += "\n";
  } else if (format == Format::csv) {
    render_grid_csv(grid, out);
  } else {
    render_grid_table(grid, options, out);
    out += fmt::format("note: as of {} ({}){}\n", format_local_time(now, zone), zone.name(), note);
  }
  return out;
}

}  // namespace tally::render
