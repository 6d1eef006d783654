#include "render/html_renderer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "render/html_escape.h"
#include "render/fast_share.h"
#include "render/number_format.h"
#include "render/report_fields.h"
#include "render/svg_chart.h"

namespace tally::render {
namespace {

// No url(), no @import, no web font: the page must draw offline.
constexpr std::string_view kStyle =
    R"(:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff;
  --panel: #f6f8fa; --line: #d1d9e0; --warn-bg: #fff8c5; --warn-line: #d4a72c; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #151b23; --line: #3d444d;
    --warn-bg: #3b2e00; --warn-line: #9e6a03; }
}
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 16px 20px 40px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
p.sub, p.note, p.empty { color: var(--muted); margin: 4px 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px;
  padding: 10px 14px; min-width: 150px; }
.card .name { color: var(--muted); font-size: 12px; }
.card .cost { font-size: 20px; font-weight: 600; }
.card .tokens { color: var(--muted); font-size: 12px; }
.warnings { background: var(--warn-bg); border: 1px solid var(--warn-line); border-radius: 6px;
  padding: 8px 12px 8px 28px; margin: 12px 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); white-space: nowrap; }
td.text { white-space: normal; overflow-wrap: anywhere; min-width: 6em; max-width: 22em; }
th { text-align: left; font-weight: 600; }
td.num, th.num { text-align: right; }
tfoot td { font-weight: 600; border-top: 2px solid var(--line); }
tr.share td { color: var(--muted); border-bottom-style: dotted; white-space: nowrap; }
tr.share td.share { padding-left: 1.6em; }
.marker { color: var(--warn-line); font-weight: 600; }
svg.chart { max-width: 100%; height: auto; display: block; margin: 8px 0; }
svg.chart text { fill: var(--muted); font-size: 11px; }
svg.chart text.label, svg.chart text.value { fill: var(--fg); font-size: 12px; }
svg.chart line.grid { stroke: var(--line); stroke-width: 1; }
ul.legend { list-style: none; padding: 0; margin: 4px 0; display: flex; flex-wrap: wrap;
  gap: 4px 16px; font-size: 12px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 6px; vertical-align: baseline; }
@media print {
  main { max-width: none; padding: 0; }
  .scroll { overflow: visible; }
  table { font-size: 9pt; }
  th, td { padding: 1px 4px; white-space: normal; }
  .card, .warnings { break-inside: avoid; }
}
)";

constexpr std::string_view kReportedMarker = "~";
constexpr std::string_view kUnpricedMarker = "?";

// "session_id" -> "Session id", as the terminal table heads its key columns.
std::string key_header(std::string_view key) {
  std::string header(key);
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

// The cost cell's text and marker, as the terminal table shows them.
std::pair<std::string, std::string_view> cost_cell(const analytics::Totals& t) {
  switch (t.cost_source) {
    case CostSource::computed:
      return {format_usd(t.cost_usd), ""};
    case CostSource::agent_reported:
      return {format_usd(t.cost_usd), kReportedMarker};
    case CostSource::unpriced:
      break;
  }
  const bool nothing_priced = t.cost_usd == 0 && t.unpriced_requests >= t.requests;
  return {nothing_priced ? "unpriced" : format_usd(t.cost_usd), kUnpricedMarker};
}

// Cost comes first, right after the keys, so that it is on screen at 1024 px and on paper
// however wide the token columns and model lists are.
constexpr std::array<std::string_view, 8> kNumberHeaders = {
    "Cost (USD)", "Requests", "Input", "Cache read", "Cache write", "Output", "Reasoning",
    "Total tokens"};

// Which cost markers a table used, for its legend; and whether it shows the cost at
// standard speed ("At std speed" after Cost, when any request ran fast or at priority).
struct MarkersUsed {
  bool reported = false;
  bool unpriced = false;
  bool standard = false;
};

void append_number_cells(const analytics::Totals& t, std::string& out, MarkersUsed& used) {
  const auto [amount, marker] = cost_cell(t);
  used.reported = used.reported || marker == kReportedMarker;
  used.unpriced = used.unpriced || marker == kUnpricedMarker;
  out += fmt::format("<td class=\"num cost\">{}<span class=\"marker\">{}</span></td>",
                     escape_html(amount), marker);
  if (used.standard) {
    out += fmt::format("<td class=\"num std\">{}</td>", escape_html(format_usd(t.standard_cost_usd)));
  }
  const TokenCounts& k = t.tokens;
  for (const std::int64_t n :
       {t.requests, k.input, k.cache_read, k.cache_write, k.output, k.reasoning, k.total()}) {
    out += fmt::format("<td class=\"num\">{}</td>", format_count(n));
  }
}

// A report keyed by model has no key columns: its agent and model lead instead of trailing.
bool names_lead(const Report& report) { return report.key_names.empty(); }

// With a breakdown the models are named on their own lines, under the keys (as in the
// terminal): no Model(s) column, unless there are no keys to hang them from.
bool model_column(const Report& report) { return !report.breakdown || names_lead(report); }

// The Agent and Model(s) cells (Agent alone without a Model(s) column).
std::string names(const Report& report, std::string_view agent, std::string_view model) {
  std::string out = fmt::format("<td>{}</td>", escape_html(agent));
  if (model_column(report)) {
    out += fmt::format("<td class=\"text\">{}</td>", escape_html(model));
  }
  return out;
}

void append_head(const Report& report, bool standard, std::string& out) {
  out += "<thead><tr>";
  for (const std::string& key : report.key_names) {
    out += fmt::format("<th>{}</th>", escape_html(key_header(key)));
  }
  const std::string_view names_head =
      model_column(report) ? "<th>Agent</th><th>Model(s)</th>" : "<th>Agent</th>";
  if (names_lead(report)) {
    out += names_head;
  }
  for (const std::string_view h : kNumberHeaders) {
    out += fmt::format("<th class=\"num\">{}</th>", h);
    if (standard && h == kNumberHeaders.front()) {
      out += "<th class=\"num\">At std speed</th>";
    }
  }
  if (!names_lead(report)) {
    out += names_head;
  }
  out += "</tr></thead>\n";
}

// A report row. With a breakdown its agents and models are named on its lines instead.
void append_row(const Report& report, const analytics::ReportRow& row, std::string& out,
                MarkersUsed& used) {
  const std::string row_names =
      report.breakdown ? names(report, "", "") : names(report, row.agent, row.model);
  out += "<tr>";
  for (std::size_t i = 0; i < report.key_names.size(); ++i) {
    out += fmt::format("<td class=\"text\">{}</td>",
                       escape_html(row_key(row, report.key_names[i], i)));
  }
  if (names_lead(report)) {
    out += row_names;
  }
  append_number_cells(row.totals, out, used);
  if (!names_lead(report)) {
    out += row_names;
  }
  out += "</tr>\n";
}

// A model line under its row, as the terminal table draws it ("├─ model", the last
// "└─ model"), muted: the name spans the row's key columns, the agent is in Agent.
void append_share(const Report& report, const analytics::ModelShare& share, bool last,
                  std::string& out, MarkersUsed& used) {
  const std::string label = fmt::format(
      "<td class=\"text share\" colspan=\"{}\">{} {}</td>",
      std::max<std::size_t>(report.key_names.size(), 1), last ? "\u2514\u2500" : "\u251c\u2500",
      escape_html(share.model));
  out += "<tr class=\"share\">";
  if (names_lead(report)) {
    out += fmt::format("<td>{}</td>{}", escape_html(share.agent), label);
    append_number_cells(share.totals, out, used);
  } else {
    out += label;
    append_number_cells(share.totals, out, used);
    out += names(report, share.agent, "");
  }
  out += "</tr>\n";
}

bool time_grouped(const Report& report) {
  if (report.key_names.size() != 1 || report.rows.empty()) {
    return false;
  }
  const std::string& key = report.key_names[0];
  return key == "date" || key == "week" || key == "month";
}

// A bar per row: cost over time.
std::string cost_chart(const Report& report) {
  StackedBars data;
  data.series = {"cost"};
  const std::size_t n = report.rows.size();
  // At most about 16 labels fit under a 720-pixel chart.
  const std::size_t every = (n + 15) / 16;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string key(row_key(report.rows[i], report.key_names[0], 0));
    data.categories.push_back(key);
    data.labels.push_back(i % every == 0 ? key : "");
    data.values.push_back({report.rows[i].totals.cost_usd});
  }
  ChartOptions options;
  options.id = "cost-per-" + report.key_names[0];
  options.label = "Cost per " + report.key_names[0];
  options.category_attr = report.key_names[0];
  options.value_attr = "usd";
  return stacked_bar_chart(data, options);
}

void append_table(const Report& report, std::string& out) {
  MarkersUsed used;
  used.standard = analytics::any_ran_fast(report);
  out += "<div class=\"scroll\"><table>\n";
  append_head(report, used.standard, out);
  out += "<tbody>\n";
  for (const analytics::ReportRow& row : report.rows) {
    append_row(report, row, out, used);
    if (report.breakdown) {
      for (std::size_t i = 0; i < row.breakdown.size(); ++i) {
        append_share(report, row.breakdown[i], i + 1 == row.breakdown.size(), out, used);
      }
    }
  }
  out += "</tbody>\n";
  if (report.show_totals) {
    out += fmt::format("<tfoot><tr><td colspan=\"{}\">TOTAL</td>",
                       names_lead(report) ? 2 : report.key_names.size());
    append_number_cells(report.totals, out, used);
    if (!names_lead(report)) {
      out += model_column(report) ? "<td></td><td></td>" : "<td></td>";
    }
    out += "</tr></tfoot>\n";
  }
  out += "</table></div>\n";
  if (used.reported) {
    out += fmt::format(
        "<p class=\"note\"><span class=\"marker\">{}</span> cost reported by the agent (model "
        "not in tally's price table)</p>\n",
        kReportedMarker);
  }
  if (used.unpriced) {
    out += fmt::format(
        "<p class=\"note\"><span class=\"marker\">{}</span> cost incomplete: requests with no "
        "known price count as $0 (see warnings)</p>\n",
        kUnpricedMarker);
  }
  if (const std::string fast = fast_share_line(report.totals); !fast.empty()) {
    out += fmt::format("<p class=\"note fast\">{}</p>\n", escape_html(fast));
  }
}

}  // namespace

std::string html_page(std::string_view title, std::string_view body) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n<main>\n",
                     escape_html(title), kStyle);
  out += body;
  out += "</main>\n</body>\n</html>\n";
  return out;
}

void render_html_section(const Report& report, std::string& out, bool chart) {
  out += "<section class=\"report\">\n";
  if (!report.title.empty()) {
    out += fmt::format("<h2>{}</h2>\n", escape_html(report.title));
  }
  if (!report.warnings.empty()) {
    out += "<ul class=\"warnings\">\n";
    for (const analytics::Warning& w : report.warnings) {
      std::string where;
      if (!w.file.empty()) {
        where = w.line > 0 ? fmt::format(" ({}:{})", w.file, w.line) : fmt::format(" ({})", w.file);
      }
      out += fmt::format("<li>{}{}</li>\n", escape_html(w.message), escape_html(where));
    }
    out += "</ul>\n";
  }
  if (report.rows.empty()) {
    out += "<p class=\"empty\">no usage in this range</p>\n";
  } else {
    if (chart && time_grouped(report)) {
      out += cost_chart(report);
    }
    append_table(report, out);
  }
  for (const std::string& note : report.notes) {
    out += fmt::format("<p class=\"note\">note: {}</p>\n", escape_html(note));
  }
  out += "</section>\n";
}

void HtmlRenderer::render(const Report& report, std::string& out) const {
  std::string body;
  render_html_section(report, body);
  out += html_page(report.title.empty() ? "tally report" : "tally: " + report.title, body);
}

}  // namespace tally::render
