#include "render/table_renderer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "render/number_format.h"
#include "render/report_fields.h"
#include "render/utf8.h"

namespace tally::render {
namespace {

constexpr std::string_view kGap = "  ";
constexpr std::string_view kRule = "\u2500";  // ─
constexpr std::string_view kEmpty = "no usage in this range";

// A breakdown line's model hangs from its row: "├─ " for every line but the last, "└─ ".
constexpr std::string_view kBranch = "\u251c\u2500 ";
constexpr std::string_view kLastBranch = "\u2514\u2500 ";

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

// Whether any of the requests ran fast or at priority (their standard cost differs).
bool ran_fast(const analytics::Totals& t) {
  return std::fabs(t.standard_cost_usd - t.cost_usd) > 5e-7;
}

// Appends the cells of one row (or the TOTAL row) to the columns after the key columns.
void add_cells(std::string_view agent, std::string_view model, const analytics::Totals& t,
               bool with_standard, std::vector<Column>::iterator col) {
  const TokenCounts& k = t.tokens;
  (col++)->cells.push_back(terminal_safe(agent));
  (col++)->cells.push_back(terminal_safe(model));
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

// Whether any row (or breakdown line) ran fast or at priority: then "At std speed" is shown.
bool any_ran_fast(const Report& report) {
  for (const analytics::ReportRow& row : report.rows) {
    if (ran_fast(row.totals)) {
      return true;
    }
    for (const analytics::ModelShare& share : row.breakdown) {
      if (ran_fast(share.totals)) {
        return true;
      }
    }
  }
  return false;
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
  if (report.breakdown) {
    // A breakdown's lines are named in Model, one model each: it stays, and narrows only
    // after Input is gone, to as many code points of a name as a row's list gets.
    cols.push_back(make_column("Model", Align::left, 0, true));
    cols.back().shrink_rank = 55;
    cols.back().min_width = kShortModelWidth + display_width(kLastBranch);
  } else {
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

// Appends the cells of `row` and, with a breakdown, of its lines: "├─ model" under the row,
// "└─ model" for the last, their key cells blank.
void add_row_lines(const Report& report, const analytics::ReportRow& row,
                   const std::vector<std::size_t>& keys, bool with_standard,
                   std::vector<Column>& cols) {
  const auto first_value_col = cols.begin() + static_cast<std::ptrdiff_t>(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    cols[i].cells.push_back(terminal_safe(row_key(row, report.key_names[keys[i]], keys[i])));
  }
  if (!report.breakdown) {
    add_cells(row.agent, row.model, row.totals, with_standard, first_value_col);
    return;
  }
  // The row's agents and models are its lines below: naming them twice would only widen
  // Agent and Model.
  add_cells("", "", row.totals, with_standard, first_value_col);
  for (std::size_t s = 0; s < row.breakdown.size(); ++s) {
    const analytics::ModelShare& share = row.breakdown[s];
    for (std::size_t i = 0; i < keys.size(); ++i) {
      cols[i].cells.emplace_back();
    }
    const std::string_view branch = s + 1 < row.breakdown.size() ? kBranch : kLastBranch;
    add_cells(share.agent, std::string(branch) + share.model, share.totals, with_standard,
              first_value_col);
  }
}

std::vector<Column> build_columns(const Report& report) {
  const std::vector<std::size_t> keys = shown_keys(report);
  const bool with_standard = any_ran_fast(report);
  std::vector<Column> cols = make_columns(report, keys, with_standard);
  for (const analytics::ReportRow& row : report.rows) {
    add_row_lines(report, row, keys, with_standard, cols);
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    cols[i].cells.emplace_back();
  }
  add_cells("", "", report.totals, with_standard,
            cols.begin() + static_cast<std::ptrdiff_t>(keys.size()));
  cols[0].cells.back() = "TOTAL";

  for (Column& col : cols) {
    col.cell_width = display_width(col.header);
    for (const std::string& cell : col.cells) {
      col.cell_width = std::max(col.cell_width, display_width(cell));
    }
    for (const std::string_view marker : col.markers) {
      if (!marker.empty()) {
        col.marker_width = std::max(col.marker_width, 1 + display_width(marker));
      }
    }
  }
  return cols;
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
  // `style` (which ends before the newline, so every line starts in the default style).
  void table_line(const std::vector<Column>& cols, std::size_t row, Sgr style) {
    begin(style);
    bool first = true;
    for (const Column& col : cols) {
      if (!col.visible) {
        continue;
      }
      if (!first) {
        out_ += kGap;
      }
      first = false;
      std::string_view text = row == kHeader ? col.header : col.cells[row];
      std::string cut;
      if (display_width(text) > col.cell_width) {
        cut = truncate_display(text, col.cell_width);
        text = cut;
      }
      pad(text, col.cell_width, col.align, out_);
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

  std::vector<Column> cols = build_columns(report);
  if (options_.compact) {
    for (Column& col : cols) {
      col.visible = col.in_compact;
    }
  }
  Fit fit;
  if (max_width > 0) {
    fit = fit_to_width(cols, max_width);
  }
  const std::size_t width = table_width(cols);
  // Lines: the rows (each followed by its breakdown lines), then TOTAL.
  const std::size_t total_row = cols.front().cells.size() - 1;

  w.table_line(cols, LineWriter::kHeader, kBold);
  w.rule(width);
  for (std::size_t row = 0; row < total_row; ++row) {
    w.table_line(cols, row, kNone);
  }
  if (report.show_totals) {
    w.rule(width);
    w.table_line(cols, total_row, kBold);
  }

  render_footer(report, cols, fit, max_width, w, out);
}

}  // namespace tally::render
