#pragma once

// HTML output: one self-contained page (inline CSS, inline SVG, no script, no external URL of
// any kind), so a browser opens it offline and a mail client or an archive keeps it whole.
// A Content-Security-Policy meta tag forbids every external load, as a second guard.
//
// A report renders as a <section>: its title, a bar chart of cost per row when the report is
// grouped by time (date, week or month; see svg_chart.h), the table (the same columns as the
// terminal table, never dropped: the page scrolls; with Report::breakdown, as in the
// terminal, each row is followed by a muted line per model, "└─ model" across the key
// columns, and there is no Model(s) column), the cost-marker legend, its warnings (visibly,
// in a box) and notes. Every string from the report is escaped (html_escape.h).
//
// The page is deterministic: the same report gives the same bytes, so golden files pin it.

#include <string>
#include <string_view>

#include "render/renderer.h"

namespace tally::render {

// Returns a complete HTML document titled `title` whose <body> holds `body` (trusted HTML,
// already escaped). The style sheet follows prefers-color-scheme.
std::string html_page(std::string_view title, std::string_view body);

// Appends `report` as a <section> (see above); with `chart` false, never a chart.
void render_html_section(const Report& report, std::string& out, bool chart = true);

// Renders a report as a whole page: html_page(title, render_html_section(report)).
class HtmlRenderer final : public Renderer {
 public:
  void render(const Report& report, std::string& out) const override;
};

}  // namespace tally::render
