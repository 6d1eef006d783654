#pragma once

// A grid: a titled table whose columns carry their own names and types, for the time views
// (windows, blocks, concurrency, the summary) whose rows are not usage totals per key and so
// do not fit analytics::Report. Like the renderers, these are pure functions of their input.
//
// Each cell has two spellings: `text` for people (the table: "$1,234.57", "12.5%") and
// `value` for machines (JSON and CSV: "1234.5678", "0.125"). A cell whose `value` is empty
// is JSON null and an empty CSV field (a number that does not exist, e.g. a burn rate over
// an empty span), and prints as its `text` (or "-") in the table.
//
// JSON shape of one grid (render_grid_json):
//   { "title": "...", "rows": [ { "<column name>": <value>, ... } ], "notes": [ "..." ] }
// Column names and order are the grid's; integers and numbers are JSON numbers.

#include <string>
#include <string_view>
#include <vector>

#include "analytics/report.h"
#include "core/time.h"
#include "render/renderer.h"

namespace tally::render {

enum class CellType { string, integer, number, boolean };

struct GridColumn {
  std::string name;    // JSON/CSV field name: snake_case, stable
  std::string header;  // table header
  CellType type = CellType::string;
  bool in_table = true;  // false: JSON and CSV only (detail a table has no room for)
};

struct GridCell {
  std::string text;   // table spelling; "" prints "-"
  std::string value;  // JSON/CSV spelling; "" is null
};

struct Grid {
  std::string title;
  std::vector<GridColumn> columns;
  std::vector<std::vector<GridCell>> rows;  // each row has one cell per column
  std::vector<std::string> notes;
  std::string empty_text = "nothing in this range";  // the table's line when there are no rows
};

// Cell helpers: a string; an integer (text with thousands separators); a cost in USD; a
// plain number with `decimals` for the table; a ratio printed as a percentage. The optional
// overloads give an empty (null) cell for nullopt.
GridCell text_cell(std::string_view s);
GridCell count_cell(std::int64_t n);
GridCell usd_cell(double usd);
GridCell number_cell(double v, int decimals);
GridCell rounded_count_cell(double v);  // text: rounded, with separators; value: exact
GridCell percent_cell(double ratio);
GridCell null_cell();
// A cost with the marker of the weakest source in `t`: "$1.40 ?" when some requests have
// no price (the figure is a floor), "~" when some are the agent's own figure; "-" in the
// table when there were no requests. The value is the plain cost.
GridCell marked_usd_cell(const analytics::Totals& t);
// "12-06 14:03": a local time short enough for 80 columns (the value: the full local time).
GridCell short_time_cell(TimeMs t, const Zone& zone);
// a / b as a percentage; null when b is 0 (a share of nothing is undefined, not 0 or
// infinity).
GridCell ratio_cell(double a, double b);

// Appends the table: title, header, rule, rows, notes ("note: ..."). Numbers align right.
// With `options.color` the title and header are bold; colour never changes the text.
void render_grid_table(const Grid& grid, const RenderOptions& options, std::string& out);

// Appends the grid as one JSON object, indented by `indent` levels of two spaces (compact
// writes one line). No trailing newline.
void render_grid_json(const Grid& grid, bool compact, int indent, std::string& out);

// Appends RFC 4180 CSV: a header line of column names, then one line per row. String cells
// are text (formula-neutralised, csv_renderer.h); the other types are numbers.
void render_grid_csv(const Grid& grid, std::string& out);

// A view that is one grid as of `now`: JSON {"as_of", "timezone", `key`: the grid}, CSV the
// grid, a table the grid and "note: as of <local time> (<zone>)<note>".
std::string render_grid_view(const Grid& grid, std::string_view key, TimeMs now, const Zone& zone,
                             Format format, const RenderOptions& options,
                             std::string_view note = "");

// A JSON object assembled from already-rendered members, for documents holding several
// grids: {"a": <json>, "b": <json>}. Members are (name, JSON text) pairs, in order.
std::string json_object(const std::vector<std::pair<std::string, std::string>>& members,
                        bool compact);

}  // namespace tally::render
