#pragma once

// Terminal bar charts in Unicode block elements: one horizontal bar per label (a day), each
// bar stacked by series (a model), the peak bar marked, a legend below.
//
// Series are told apart by their fill character (█ ▓ ▒ ░, so the chart reads without
// colour) and, with `color`, by an ANSI colour as well. The bar's last cell takes an eighth
// block (▏▎▍▌▋▊▉) so bars resolve to 1/8 of a cell. At most kMaxSeries series are drawn;
// the rest are summed into "other". The peak line's display width is exactly the chart
// width and every other bar line stops where the peak marker starts (colour escapes add no
// width), so bars and values line up in any terminal.

#include <functional>
#include <string>
#include <vector>

namespace tally::render {

inline constexpr size_t kMaxSeries = 4;  // including "other"

struct BarChart {
  std::string title;
  std::vector<std::string> labels;  // one per bar, e.g. "Nov 03"
  std::vector<std::string> series;  // series names, most important first
  // values[bar][series]; missing entries count 0; negative values count 0.
  std::vector<std::vector<double>> values;
  // Spells a bar's total at its right ("$1,234.57", "1.4B").
  std::function<std::string(double)> format_value;
  // Optional, per bar: a mark after its value (" ?" when part of the bar has no price and
  // the value is a floor). Missing entries mark nothing.
  std::vector<std::string> marks;
};

struct ChartOptions {
  bool color = false;
  // Total line width in columns; 0 means 80 (output is not a terminal). Bars shrink to fit,
  // down to 10 cells.
  int width = 0;
};

// Appends the chart (title, one line per label, legend) to `out`. With no labels, or all
// values 0, it prints the title and "no usage".
void render_bar_chart(const BarChart& chart, const ChartOptions& options, std::string& out);

// Compact number for charts: 950, 12.3K, 4.5M, 1.4B.
std::string format_compact(double value);

}  // namespace tally::render
