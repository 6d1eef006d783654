#pragma once

// SVG charts for the HTML report: pure functions from data to an inline <svg> element, with
// no script, no external reference and no font beyond the page's own, so a browser draws
// them offline. Two shapes:
//
//   stacked (vertical) bars   one bar per category (a day, an hour), one segment per series
//                             (a model) with a non-zero value, stacked bottom up in series
//                             order; a y axis with round ticks.
//   horizontal bars           one bar per labelled value (a project); an x axis below.
//
// Every bar is a <rect class="bar"> carrying data attributes (data-<category_attr>,
// data-<series_attr>, data-<value_attr>) and a <title> child for hover text, so tests (and
// people) can find a bar by what it stands for. Zero and negative values draw no bar.
//
// Geometry is computed by the layout_* functions, which tests check directly; the svg
// functions only print a layout. Coordinates are printed with at most two decimals.

#include <cstddef>
#include <string>
#include <vector>

namespace tally::render {

// A value axis from 0 to `top` in steps of `step`: ticks are 0, step, 2*step, ..., top.
struct Axis {
  double top = 1;
  double step = 0.2;
  std::vector<double> ticks;
};

// A round axis covering [0, max_value]: the step is 1, 2, 2.5 or 5 times a power of ten,
// chosen so that about `target_ticks` steps reach max_value, and top is the first multiple
// of the step at or above max_value. With `integer`, the step is at least 1 (counts). A
// max_value <= 0 (or not finite) gives the axis 0..1 (0..`target_ticks` with `integer`).
Axis nice_axis(double max_value, int target_ticks = 5, bool integer = false);

enum class ValueKind {
  usd,    // "$1.23" (format_usd)
  count,  // "1,234" (format_count)
};

// How a value prints in titles and tick labels. Ticks use as many decimals as the step needs.
std::string format_value(double value, ValueKind kind);
std::string format_tick(double value, double step, ValueKind kind);

struct ChartOptions {
  std::string id;     // the <svg> element's id ("" for none)
  std::string label;  // its accessible name (aria-label)
  int width = 720;
  int height = 240;
  ValueKind kind = ValueKind::usd;
  std::string category_attr = "category";  // data-<category_attr> on every bar
  std::string series_attr = "series";      // data-<series_attr>
  std::string value_attr = "value";        // data-<value_attr>, a machine-readable number
};

struct StackedBars {
  // One id per bar, left to right (e.g. "2026-11-03"): the data attribute and hover text.
  std::vector<std::string> categories;
  // The axis label under each bar ("" for none); when empty, every category id is shown.
  std::vector<std::string> labels;
  // Stack order, bottom first (e.g. model names). Colours follow series_color(index).
  std::vector<std::string> series;
  // values[category][series]; missing entries count as 0.
  std::vector<std::vector<double>> values;
};

struct Rect {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
};

// One drawn segment: values[category][series] as a rectangle.
struct Segment {
  std::size_t category = 0;
  std::size_t series = 0;
  double value = 0;
  Rect rect;
};

struct StackedLayout {
  Axis axis;
  Rect plot;  // the area bars are drawn in; y grows downward, bars rise from its bottom edge
  std::vector<Segment> segments;  // in category order, then series order
};

// Lays out `data` in a chart of `options.width` x `options.height`. Each segment's height is
// value / axis.top * plot.height, and a category's segments are stacked without gaps, so a
// bar's total height is its categories' sum on the same scale.
StackedLayout layout_stacked_bars(const StackedBars& data, const ChartOptions& options);

// The <svg> for `data` (see layout_stacked_bars).
std::string stacked_bar_chart(const StackedBars& data, const ChartOptions& options);

struct LabeledValue {
  std::string label;
  double value = 0;
};

struct HorizontalLayout {
  Axis axis;
  Rect plot;
  double row_height = 0;
  std::vector<Rect> bars;  // one per input, in input order (zero width for values <= 0)
};

// Lays out one row per value, top to bottom; the chart's height grows with the row count
// (options.height is ignored). Bar widths are value / axis.top * plot.width.
HorizontalLayout layout_horizontal_bars(const std::vector<LabeledValue>& bars,
                                        const ChartOptions& options);

// The <svg> for `bars`: labels on the left (long ones keep their end after a "…"; the full
// text is in the title),
// the value after each bar. data-<category_attr> holds the label.
std::string horizontal_bar_chart(const std::vector<LabeledValue>& bars,
                                 const ChartOptions& options);

// The fill colour of series `index`: a fixed palette readable on light and dark
// backgrounds, repeating after its last colour.
std::string series_color(std::size_t index);

// An HTML legend (<ul class="legend">) naming each series with its colour swatch.
std::string chart_legend(const std::vector<std::string>& series);

}  // namespace tally::render
