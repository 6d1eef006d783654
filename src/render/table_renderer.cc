#include "render/table_renderer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "render/fast_share.h"
#include "render/number_format.h"
#include "render/report_fields.h"
#include "render/utf8.h"

namespace tally::render {
namespace {

constexpr std::string_view kGap = "  ";
constexpr std::string_view kRule = "\u2500";  // ─
constexpr std::string_view kEmpty = "no usage in this range";

// A model line hangs from its row, indented under the row's key: "├─ " for every line but
// the last, "└─ ".
constexpr std::string_view kBranch = "  \u251c\u2500 ";
constexpr std::string_view kLastBranch = "  \u2514\u2500 ";

constexpr std::string_view kReportedMarker = "~";
constexpr std::string_view kUnpricedMarker = "?";

// SGR pairs that switch one attribute off rather than resetting everything, so a marker's
// colour can sit inside a bold TOTAL line.
struct Sgr {
  std::string_view on;
  std::string_view off;
};
constexpr Sgr kNone = {"", ""};
constexpr Sgr kBold = {"\x1b[1m", "\x1b[22m"};
constexpr Sgr kDim = {"\x1b[2m", "\x1b[22m"};
constexpr Sgr kYellow = {"\x1b[33m", "\x1b[39m"};
constexpr Sgr kCyan = {"\x1b[36m", "\x1b[39m"};

enum class Align { left, right };

struct Column {
  std::string header;
  Align align = Align::left;
  // The order in which fit_to_width() gives up space: lower ranks first. drop_rank hides the
  // column; shrink_rank narrows it to min_width, cutting long cells with "…". 0 means never.
  int drop_rank = 0;
  int shrink_rank = 0;
  std::size_t min_width = 0;
  // Shown under RenderOptions::compact.
  bool in_compact = true;
  // One cell per line (a report row, or a line of its breakdown), then the TOTAL row's,
  // already terminal-safe.
  std::vector<std::string> cells;
  // Cost markers, parallel to `cells`; empty for every other column.
  std::vector<std::string_view> markers;
  std::size_t cell_width = 0;
  std::size_t marker_width = 0;  // 0, or a space plus the widest marker
  bool visible = true;

  std::size_t width() const { return cell_width + marker_width; }
};

void pad(std::string_view text, std::size_t width, Align align, std::string& out) {
  const std::size_t used = display_width(text);
  const std::size_t fill = width > used ? width - used : 0;
  if (align == Align::right) {
    out.append(fill, ' ');
  }
  out += text;
  if (align == Align::left) {
    out.append(fill, ' ');
  }
}

// "session_id" -> "Session id": readable without a table of known key names.
std::string key_header(std::string_view key) {
  std::string header = terminal_safe(key);
  for (char& c : header) {
    if (c == '_') {
      c = ' ';
    }
  }
  if (!header.empty() && header[0] >= 'a' && header[0] <= 'z') {
    header[0] = static_cast<char>(header[0] - 'a' + 'A');
  }
  return header;
}

struct CostCell {
  std::string amount;
  std::string_view marker;
};

CostCell cost_cell(const analytics::Totals& t) {
  switch (t.cost_source) {
    case CostSource::computed:
      return {format_usd(t.cost_usd), ""};
    case CostSource::agent_reported:
      return {format_usd(t.cost_usd), kReportedMarker};
    case CostSource::unpriced:
      break;
  }
  // Nothing priced at all: a dollar figure would read as "free".
  const bool nothing_priced = t.cost_usd == 0 && t.unpriced_requests >= t.requests;
  return {nothing_priced ? "unpriced" : format_usd(t.cost_usd), kUnpricedMarker};
}

// Appends the cells of one line (a row, a model line, TOTAL) to the columns after the key
// columns. `model` is nullptr when the table has no Model(s) column (a breakdown).
void add_cells(std::string_view agent, const std::string* model, const analytics::Totals& t,
               bool with_standard, std::vector<Column>::iterator col) {
  const TokenCounts& k = t.tokens;
  (col++)->cells.push_back(terminal_safe(agent));
  if (model != nullptr) {
    (col++)->cells.push_back(terminal_safe(*model));
  }
  for (const std::int64_t n :
       {t.requests, k.input, k.cache_read, k.cache_write, k.output, k.reasoning, k.total()}) {
    (col++)->cells.push_back(format_count(n));
  }
  if (with_standard) {
    (col++)->cells.push_back(format_usd(t.standard_cost_usd));
  }
  CostCell cost = cost_cell(t);
  col->cells.push_back(std::move(cost.amount));
  col->markers.push_back(cost.marker);
}

Column make_column(std::string header, Align align, int drop_rank, bool in_compact) {
  Column col;
  col.header = std::move(header);
  col.align = align;
  col.drop_rank = drop_rank;
  col.in_compact = in_compact;
  return col;
}

// Model lists ("claude-sonnet-4-5, gemini-3-pro") are the widest and least regular cells;
// 16 code points still tell most model names apart.
constexpr std::size_t kShortModelWidth = 16;

// The key columns a table shows (Report::table_keys, else every key), as indexes into
// key_names.
std::vector<std::size_t> shown_keys(const Report& report) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < report.key_names.size(); ++i) {
    const std::string& key = report.key_names[i];
    if (report.table_keys.empty() ||
        std::find(report.table_keys.begin(), report.table_keys.end(), key) !=
            report.table_keys.end()) {
      out.push_back(i);
    }
  }
  return out;
}

// The columns, without cells: the shown keys, then the fixed ones.
std::vector<Column> make_columns(const Report& report, const std::vector<std::size_t>& keys,
                                 bool with_standard) {
  std::vector<Column> cols;
  for (const std::size_t k : keys) {
    const std::string& key = report.key_names[k];
    cols.push_back(make_column(key_header(key), Align::left, 0, true));
    // On a narrow terminal a path and a title narrow after the token detail is gone
    // (ranks below) and before Requests goes.
    if (key == "title") {
      cols.back().shrink_rank = 35;
      cols.back().min_width = 16;
    } else if (key == "project") {
      cols.back().shrink_rank = 34;
      cols.back().min_width = 16;
    } else if (key == "last_activity") {
      cols.back().drop_rank = 36;
    }
  }
  const bool has_keys = !cols.empty();
  // Without keys the TOTAL label lives in Agent, so Agent must stay.
  cols.push_back(make_column("Agent", Align::left, has_keys ? 80 : 0, true));
  // With a breakdown the models are named on their own lines, under the keys.
  if (!report.breakdown) {
    cols.push_back(make_column("Model(s)", Align::left, 70, true));
    cols.back().shrink_rank = 45;
    cols.back().min_width = kShortModelWidth;
  }
  cols.push_back(make_column("Requests", Align::right, 40, false));
  cols.push_back(make_column("Input", Align::right, 50, true));
  cols.push_back(make_column("Cache read", Align::right, 30, false));
  cols.push_back(make_column("Cache write", Align::right, 20, false));
  cols.push_back(make_column("Output", Align::right, 60, true));
  cols.push_back(make_column("Reasoning", Align::right, 10, false));
  cols.push_back(make_column("Total tokens", Align::right, 0, true));
  // Fast mode side by side: where any request ran fast or at priority, what the same
  // requests cost at standard speed, next to what they cost.
  if (with_standard) {
    cols.push_back(make_column("At std speed", Align::right, 55, true));
  }
  cols.push_back(make_column("Cost (USD)", Align::right, 0, true));
  return cols;
}

// The columns and, with a breakdown, which lines are model lines. A model line's label
// ("├─ model", in the first column's cells) spans the first `span` columns, blank on those
// lines: the keys (or Agent, in a report without keys).
struct Table {
  std::vector<Column> cols;
  std::vector<bool> model_line;  // per line: the rows with their model lines, then TOTAL
  std::size_t span = 0;
};

// Appends the cells of `row` and, with a breakdown, of its model lines: "├─ model" under
// the row, "└─ model" for the last, each with its agent and numbers. The row itself names no
// agent or model then (its lines do).
void add_row_lines(const Report& report, const analytics::ReportRow& row,
                   const std::vector<std::size_t>& keys, bool with_standard, Table& t) {
  const auto first_value_col = t.cols.begin() + static_cast<std::ptrdiff_t>(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    t.cols[i].cells.push_back(terminal_safe(row_key(row, report.key_names[keys[i]], keys[i])));
  }
  t.model_line.push_back(false);
  if (!report.breakdown) {
    add_cells(row.agent, &row.model, row.totals, with_standard, first_value_col);
    return;
  }
  add_cells("", nullptr, row.totals, with_standard, first_value_col);
  for (std::size_t s = 0; s < row.breakdown.size(); ++s) {
    const analytics::ModelShare& share = row.breakdown[s];
    const std::string_view branch = s + 1 < row.breakdown.size() ? kBranch : kLastBranch;
    const std::string label = std::string(branch) + terminal_safe(share.model);
    t.model_line.push_back(true);
    if (keys.empty()) {
      add_cells(label, nullptr, share.totals, with_standard, first_value_col);
      continue;
    }
    t.cols[0].cells.push_back(label);
    for (std::size_t i = 1; i < keys.size(); ++i) {
      t.cols[i].cells.emplace_back();
    }
    add_cells(share.agent, nullptr, share.totals, with_standard, first_value_col);
  }
}

// The display width of the first `span` visible columns with the gaps between them.
std::size_t span_width(const std::vector<Column>& cols, std::size_t span) {
  std::size_t width = 0;
  std::size_t shown = 0;
  for (std::size_t i = 0; i < span && i < cols.size(); ++i) {
    if (cols[i].visible) {
      width += cols[i].width();
      ++shown;
    }
  }
  return shown == 0 ? 0 : width + (shown - 1) * kGap.size();
}

// Sets each column's width to its widest cell (and marker). Model labels count for the span
// as a whole: the first column widens only when the span is narrower than the widest label.
// A span of one column (a date, a project) may then narrow as a model list would without a
// breakdown, never below its keys nor below a short model name.
void measure(Table& t) {
  std::size_t label_width = 0;
  for (std::size_t c = 0; c < t.cols.size(); ++c) {
    Column& col = t.cols[c];
    col.cell_width = display_width(col.header);
    for (std::size_t line = 0; line < col.cells.size(); ++line) {
      const std::size_t w = display_width(col.cells[line]);
      if (c < t.span && t.model_line[line]) {
        label_width = std::max(label_width, w);
      } else {
        col.cell_width = std::max(col.cell_width, w);
      }
    }
    for (const std::string_view marker : col.markers) {
      if (!marker.empty()) {
        col.marker_width = std::max(col.marker_width, 1 + display_width(marker));
      }
    }
  }
  const std::size_t natural = span_width(t.cols, t.span);
  if (label_width <= natural) {
    return;
  }
  Column& first = t.cols[0];
  const std::size_t keys_width = first.cell_width;
  first.cell_width += label_width - natural;
  if (t.span == 1) {
    const std::size_t room = std::min(label_width, kShortModelWidth + display_width(kBranch));
    if (first.shrink_rank == 0) {
      first.shrink_rank = 45;
      first.min_width = std::max(keys_width, room);
    } else {
      first.min_width = std::max(first.min_width, room);
    }
  }
}

Table build_table(const Report& report) {
  const std::vector<std::size_t> keys = shown_keys(report);
  const bool with_standard = analytics::any_ran_fast(report);
  Table t;
  t.cols = make_columns(report, keys, with_standard);
  t.span = report.breakdown ? std::max<std::size_t>(keys.size(), 1) : 0;
  for (const analytics::ReportRow& row : report.rows) {
    add_row_lines(report, row, keys, with_standard, t);
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    t.cols[i].cells.emplace_back();
  }
  const std::string no_model;
  add_cells("", report.breakdown ? nullptr : &no_model, report.totals, with_standard,
            t.cols.begin() + static_cast<std::ptrdiff_t>(keys.size()));
  t.cols[0].cells.back() = "TOTAL";
  t.model_line.push_back(false);
  measure(t);
  return t;
}

std::size_t table_width(const std::vector<Column>& cols) {
  std::size_t width = 0;
  std::size_t shown = 0;
  for (const Column& col : cols) {
    if (col.visible) {
      width += col.width();
      ++shown;
    }
  }
  return shown == 0 ? 0 : width + (shown - 1) * kGap.size();
}

struct Fit {
  std::vector<std::string> hidden;     // headers of hidden columns, in hiding order
  std::vector<std::string> shortened;  // headers of narrowed (still visible) columns
};

// Gives up space (lowest rank first, see Column) until the table fits `max_width` or nothing
// more may go; the table then overflows rather than wraps.
Fit fit_to_width(std::vector<Column>& cols, std::size_t max_width) {
  Fit fit;
  while (table_width(cols) > max_width) {
    Column* next = nullptr;
    int next_rank = 0;
    bool shrink = false;
    auto consider = [&](Column& col, int rank, bool is_shrink) {
      if (rank > 0 && (next == nullptr || rank < next_rank)) {
        next = &col;
        next_rank = rank;
        shrink = is_shrink;
      }
    };
    for (Column& col : cols) {
      if (col.visible) {
        consider(col, col.shrink_rank, true);
        consider(col, col.drop_rank, false);
      }
    }
    if (next == nullptr) {
      break;
    }
    if (shrink) {
      next->shrink_rank = 0;
      const std::size_t excess = table_width(cols) - max_width;
      const std::size_t floor = std::max(next->min_width, display_width(next->header));
      const std::size_t narrowed =
          next->cell_width > floor + excess ? next->cell_width - excess : floor;
      if (narrowed < next->cell_width) {
        next->cell_width = narrowed;
        fit.shortened.push_back(next->header);
      }
    } else {
      next->visible = false;
      fit.hidden.push_back(next->header);
      std::erase(fit.shortened, next->header);
    }
  }
  return fit;
}

class LineWriter {
 public:
  LineWriter(std::string& out, bool color) : out_(out), color_(color) {}

  void begin(Sgr style) {
    if (color_) {
      out_ += style.on;
    }
  }
  void end(Sgr style) {
    if (color_) {
      out_ += style.off;
    }
  }
  void styled(std::string_view text, Sgr style) {
    begin(style);
    out_ += text;
    end(style);
  }

  // The header (row == kHeader) or the cells at index `row`, each padded to its column, in
  // `style` (which ends before the newline, so every line starts in the default style). A
  // model line's label fills the span (Table).
  void table_line(const Table& t, std::size_t row, Sgr style) {
    begin(style);
    std::size_t c = 0;
    bool first = true;
    if (row != kHeader && t.model_line[row] && t.span > 0) {
      cell(t.cols[0].cells[row], span_width(t.cols, t.span), Align::left);
      c = t.span;
      first = false;
    }
    for (; c < t.cols.size(); ++c) {
      const Column& col = t.cols[c];
      if (!col.visible) {
        continue;
      }
      if (!first) {
        out_ += kGap;
      }
      first = false;
      cell(row == kHeader ? col.header : col.cells[row], col.cell_width, col.align);
      if (col.marker_width > 0) {
        const std::string_view marker = row == kHeader ? "" : col.markers[row];
        out_.push_back(' ');
        if (!marker.empty()) {
          styled(marker, marker == kReportedMarker ? kCyan : kYellow);
        }
        out_.append(col.marker_width - 1 - display_width(marker), ' ');
      }
    }
    end(style);
    out_.push_back('\n');
  }

  void rule(std::size_t width) {
    begin(kDim);
    for (std::size_t i = 0; i < width; ++i) {
      out_ += kRule;
    }
    end(kDim);
    out_.push_back('\n');
  }

  static constexpr std::size_t kHeader = static_cast<std::size_t>(-1);

 private:
  // `text` cut with "…" to `width` if wider, then padded to it.
  void cell(std::string_view text, std::size_t width, Align align) {
    std::string cut;
    if (display_width(text) > width) {
      cut = truncate_display(text, width);
      text = cut;
    }
    pad(text, width, align, out_);
  }

  std::string& out_;
  bool color_;
};

bool uses_marker(const std::vector<Column>& cols, std::string_view marker) {
  for (const std::string_view m : cols.back().markers) {
    if (m == marker) {
      return true;
    }
  }
  return false;
}

// Legend, warnings, the report's notes and our own; preceded by a blank line if non-empty.
void render_footer(const Report& report, const std::vector<Column>& cols, const Fit& fit,
                   std::size_t max_width, LineWriter& w, std::string& out) {
  std::vector<std::string> lines;
  if (!cols.empty() && uses_marker(cols, kReportedMarker)) {
    lines.push_back(fmt::format("{} cost reported by the agent (model not in tally's price table)",
                                kReportedMarker));
  }
  if (!cols.empty() && uses_marker(cols, kUnpricedMarker)) {
    lines.push_back(
        fmt::format("{} cost incomplete: requests with no known price count as $0 (see warnings)",
                    kUnpricedMarker));
  }
  if (std::string fast = fast_share_line(report.totals); !cols.empty() && !fast.empty()) {
    lines.push_back(std::move(fast));
  }
  std::vector<std::string> warnings;
  for (const analytics::Warning& warning : report.warnings) {
    std::string line = "! " + terminal_safe(warning.message);
    if (!warning.file.empty()) {
      line += " (" + terminal_safe(warning.file);
      if (warning.line > 0) {
        line += fmt::format(":{}", warning.line);
      }
      line += ")";
    }
    warnings.push_back(std::move(line));
  }
  std::vector<std::string> notes;
  for (const std::string& note : report.notes) {
    notes.push_back("note: " + terminal_safe(note));
  }
  if (!fit.hidden.empty() || !fit.shortened.empty()) {
    std::string what;
    if (!fit.hidden.empty()) {
      what = fmt::format("hid {}", fmt::join(fit.hidden, ", "));
    }
    if (!fit.shortened.empty()) {
      what +=
          fmt::format("{}shortened {}", what.empty() ? "" : "; ", fmt::join(fit.shortened, ", "));
    }
    notes.push_back(
        fmt::format("note: to fit {} columns: {} (JSON and CSV output have every column in full)",
                    max_width, what));
  }
  if (lines.empty() && warnings.empty() && notes.empty()) {
    return;
  }
  out.push_back('\n');
  for (const std::string& line : lines) {
    out += line;
    out.push_back('\n');
  }
  for (const std::string& line : warnings) {
    w.styled(line, kYellow);
    out.push_back('\n');
  }
  for (const std::string& line : notes) {
    w.styled(line, kDim);
    out.push_back('\n');
  }
}

}  // namespace

void TableRenderer::render(const Report& report, std::string& out) const {
  LineWriter w(out, options_.color);
  if (!report.title.empty()) {
    w.styled(terminal_safe(report.title), kBold);
    out.push_back('\n');
  }
  const std::size_t max_width = options_.width > 0 ? static_cast<std::size_t>(options_.width) : 0;
  if (report.rows.empty()) {
    out += kEmpty;
    out.push_back('\n');
    render_footer(report, {}, {}, max_width, w, out);
    return;
  }

  Table table = build_table(report);
  if (options_.compact) {
    for (Column& col : table.cols) {
      col.visible = col.in_compact;
    }
  }
  Fit fit;
  if (max_width > 0) {
    fit = fit_to_width(table.cols, max_width);
  }
  const std::size_t width = table_width(table.cols);
  // Lines: the rows (each followed by its model lines), then TOTAL.
  const std::size_t total_row = table.model_line.size() - 1;

  w.table_line(table, LineWriter::kHeader, kBold);
  w.rule(width);
  for (std::size_t row = 0; row < total_row; ++row) {
    w.table_line(table, row, kNone);
  }
  if (report.show_totals) {
    w.rule(width);
    w.table_line(table, total_row, kBold);
  }

  render_footer(report, table.cols, fit, max_width, w, out);
}

}  // namespace tally::render
